// Compiled by MSBuild's RoslynCodeTaskFactory (see TorchSharpLibstdcxxCompat.targets) against netstandard2.0;
// no project builds this file.
#nullable enable
// MSBuild's inline task factory finds the task by its plain type name, so it lives in the global namespace.
#pragma warning disable CA1050
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks one symbol-version need (e.g. GLIBCXX_3.4.32) WEAK in the .gnu.version_r section of every copy of a shared
/// library under a folder, when the host's libstdc++ does not define that version. A weak need lets the dynamic loader
/// accept the library; symbols that really need the version would still fail to bind, so this is only safe for a need
/// that is a marker, as it is for TorchSharp 0.107.0.
/// </summary>
public class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required] public string Directory { get; set; } = "";
    [Required] public string FileName { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        string[] copies = System.IO.Directory.GetFiles(Directory, FileName, SearchOption.AllDirectories);
        if (copies.Length == 0) return true;

        string? hostLibrary = FindHostLibstdcxx();
        if (hostLibrary != null && FileContains(hostLibrary, Encoding.ASCII.GetBytes(VersionName + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{hostLibrary} defines {VersionName}; {FileName} needs no patch.");
            return true;
        }

        foreach (string copy in copies)
        {
            try
            {
                string result = WeakenCopy(copy);
                Log.LogMessage(MessageImportance.Normal, $"{copy}: {result}");
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogWarning($"Could not mark {VersionName} weak in {copy}: {e.Message}. TorchSharp may fail to load on this host.");
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Patches one file; writes a temp file and renames it over the copy, keeping the copy's timestamp so
    /// incremental builds do not copy the original back every time.</summary>
    string WeakenCopy(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        int changed = MarkWeak(elf, VersionName);
        if (changed == 0) return $"{VersionName} already weak or not needed.";

        DateTime stamp = File.GetLastWriteTimeUtc(path);
        string temp = path + ".weak-" + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, elf);
        File.SetLastWriteTimeUtc(temp, stamp);
        // Rename over the copy rather than writing in place: a hard-linked copy must never write through to the cache.
        File.Replace(temp, path, null);
        return $"marked {changed} need(s) of {VersionName} weak.";
    }

    /// <summary>Sets VER_FLG_WEAK on every Vernaux entry named <paramref name="version"/>; returns how many changed.</summary>
    public static int MarkWeak(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only little-endian 64-bit ELF files are supported");

        ulong sectionTable = U64(elf, 0x28);
        int entrySize = U16(elf, 0x3A);
        int sectionCount = U16(elf, 0x3C);
        int changed = 0;
        for (int i = 0; i < sectionCount; i++)
        {
            int header = Checked(sectionTable + (ulong)(i * entrySize), 64, elf.Length);
            if (U32(elf, header + 4) != ShtGnuVerneed) continue;

            int linkedStrings = (int)U32(elf, header + 40);
            int stringsHeader = Checked(sectionTable + (ulong)(linkedStrings * entrySize), 64, elf.Length);
            int strings = Checked(U64(elf, stringsHeader + 24), 0, elf.Length);
            int offset = Checked(U64(elf, header + 24), 16, elf.Length);
            int needCount = (int)U32(elf, header + 44); // sh_info: number of Verneed entries

            for (int n = 0; n < needCount; n++)
            {
                int auxCount = U16(elf, offset + 2);
                int aux = Checked((ulong)offset + U32(elf, offset + 8), 16, elf.Length);
                for (int a = 0; a < auxCount; a++)
                {
                    int name = Checked((ulong)strings + U32(elf, aux + 8), 1, elf.Length);
                    if (CStringEquals(elf, name, version))
                    {
                        ushort flags = U16(elf, aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            flags |= VerFlgWeak;
                            elf[aux + 4] = (byte)flags;
                            elf[aux + 5] = (byte)(flags >> 8);
                            changed++;
                        }
                    }
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux = Checked((ulong)aux + nextAux, 16, elf.Length);
                }
                uint next = U32(elf, offset + 12);
                if (next == 0) break;
                offset = Checked((ulong)offset + next, 16, elf.Length);
            }
        }
        return changed;
    }

    static string? FindHostLibstdcxx()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib64/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };
        foreach (string candidate in candidates)
            if (File.Exists(candidate)) return candidate;
        return null; // Unknown host: patching is harmless, so the caller patches.
    }

    static bool FileContains(string path, byte[] needle)
    {
        byte[] hay = File.ReadAllBytes(path);
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    static bool CStringEquals(byte[] data, int at, string value)
    {
        if (at + value.Length >= data.Length) return false;
        for (int i = 0; i < value.Length; i++)
            if (data[at + i] != (byte)value[i]) return false;
        return data[at + value.Length] == 0;
    }

    static int Checked(ulong offset, int size, int length)
    {
        if (offset > (ulong)(length - size)) throw new InvalidDataException($"offset {offset} lies outside the {length}-byte file");
        return (int)offset;
    }

    static ushort U16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);
    static uint U32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);
    static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
}
