using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LstmAe.IO;

/// <summary>
/// What kind of file system entry a path names, following symbolic links: .NET tells directories from files but not
/// a regular file from a device node, FIFO or socket, which <see cref="AtomicFile"/> must refuse to replace.
/// </summary>
internal static class FileKind
{
    private const int AtCurrentDirectory = -100, StatxType = 1, ModeOffset = 28, StatxSize = 256;

    /// <summary>
    /// Null for a regular file, a directory or a missing path (and everywhere but on Linux, where the kind is not
    /// read); otherwise what the entry is, in words ("a character device", ...).
    /// </summary>
    public static string? SpecialKind(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        byte[] buffer = new byte[StatxSize];
        // statx's layout is the same on every Linux architecture, unlike stat's.
        byte[] utf8 = [.. System.Text.Encoding.UTF8.GetBytes(path), 0];
        if (Statx(AtCurrentDirectory, utf8, 0, StatxType, buffer) != 0) return null;
        return (BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)) & 0xF000) switch
        {
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO",
            0xC000 => "a socket",
            _ => null,
        };
    }

    // DllImport rather than LibraryImport, which would need unsafe code in this project; the path goes as
    // NUL-terminated UTF-8 bytes.
    [DllImport("libc", EntryPoint = "statx")]
    private static extern int Statx(int directory, byte[] path, int flags, uint mask, [Out] byte[] buffer);
}
