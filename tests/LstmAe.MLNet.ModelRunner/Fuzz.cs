using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using LstmAe.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.ModelRunner;

/// <summary>
/// Usage: LstmAe.MLNet.ModelRunner fuzz &lt;seed-folder&gt; &lt;seed&gt; &lt;cases-per-kind&gt;
/// Loads mutated copies of the seed folder's <c>model.zip</c> (an ML.NET zip holding a fitted LstmAutoEncode
/// transformer), <c>sequences.npy</c> (uint8, time-major) and <c>frame.png</c> (one frame of a two-frame folder),
/// plus gzip copies of the npy file, with the same seed every run. Each case must load (and read every row) or fail
/// with one of <see cref="Allowed"/>; anything else is printed as <c>unexpected: ...</c> naming the case, and the
/// exit code is 1. A native crash or hang kills only this process, which the calling test detects. Prints the
/// outcome counts, the most managed bytes one case allocated and the process's peak resident set (VmHWM).
/// </summary>
internal static class Fuzz
{
    /// <summary>The documented failures for a damaged or crafted file: <see cref="InvalidDataException"/> from
    /// LstmAe's own checks and .NET's zip and gzip decoders. Damage to the zip's structure or to ML.NET's own entries
    /// (its version header, Model.key naming the loader's assembly, the schema) fails in ML.NET before LstmAe's code
    /// runs, so there these families are allowed as well: <see cref="FormatException"/> (ML.NET's error for an entry
    /// that does not decode), <see cref="IOException"/> (its binary reader on a truncated entry, or a loader assembly
    /// name that no longer resolves) and <see cref="ArgumentException"/> (such a name with an invalid culture). A
    /// case that damages one of LstmAe's entries, an npy file or a frame image must fail with an
    /// InvalidDataException naming the entry or file (<see cref="Case.MustName"/>).</summary>
    private static readonly Type[] Allowed = [typeof(InvalidDataException), typeof(FormatException), typeof(IOException), typeof(ArgumentException)];

    private static readonly string[] LstmAeEntries = ["LstmAutoEncoderSettings.json", "LstmAutoEncoderModel.bin"];

    /// <summary>The outcome's name when <paramref name="e"/> is an allowed failure with a message: one of
    /// <see cref="Allowed"/>, or a <see cref="System.Reflection.TargetInvocationException"/> around one, which is how
    /// ML.NET's <c>Model.Load</c> passes on what a registered loader threw (it calls the loader by reflection), so
    /// LstmAe's InvalidDataException for a bad entry arrives as its InnerException.</summary>
    private static string? Documented(Exception e, Case @case)
    {
        string prefix = "";
        if (e is System.Reflection.TargetInvocationException { InnerException: { } inner })
        {
            prefix = "TargetInvocation>";
            e = inner;
        }
        if (@case.MustName is not null)
            return e.GetType() == typeof(InvalidDataException) && e.Message.Contains($"'{@case.MustName}'", StringComparison.Ordinal) ? prefix + e.GetType().Name : null;
        return Allowed.Any(e.GetType().IsAssignableTo) && e.Message.Length > 0 ? prefix + e.GetType().Name : null;
    }

    /// <summary>One mutated file or folder.</summary>
    /// <param name="Kind">zip, npy, npy.gz or png.</param>
    /// <param name="Index">The case's number within its kind.</param>
    /// <param name="Mutation">What was changed.</param>
    /// <param name="Path">The mutated file or folder.</param>
    /// <param name="MustName">What the failure's InvalidDataException must name: the LstmAe entry a zip case rewrote
    /// (then no other exception type is allowed), the npy file, or the mutated frame image; null for zip cases that
    /// damage the zip itself or ML.NET's entries.</param>
    private sealed record Case(string Kind, int Index, string Mutation, string Path, string? MustName = null);

    public static int Run(string seedFolder, int seed, int casesPerKind)
    {
        string work = Path.Combine(seedFolder, "cases");
        Directory.CreateDirectory(work);
        var random = new Random(seed);
        var mlContext = new MLContext(seed: 0);
        mlContext.ComponentCatalog.RegisterLstmAutoEncoder();

        byte[] zip = File.ReadAllBytes(Path.Combine(seedFolder, "model.zip"));
        byte[] npy = File.ReadAllBytes(Path.Combine(seedFolder, "sequences.npy"));
        byte[] png = File.ReadAllBytes(Path.Combine(seedFolder, "frame.png"));
        var options = new FrameFolderOptions { FrameHeight = 8, FrameWidth = 8 };

        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var loadedZips = new List<string>();
        long maxCaseAllocated = 0;
        string maxCaseName = "";
        int count = 0;

        void Check(Case @case, Action load)
        {
            count++;
            Console.Error.WriteLine($"case {@case.Kind}#{@case.Index}: {@case.Mutation}");
            long before = GC.GetTotalAllocatedBytes(precise: true);
            string outcome;
            try
            {
                load();
                outcome = "ok";
            }
            catch (Exception e) when (Documented(e, @case) is { } name)
            {
                outcome = name;
            }
            catch (Exception e)
            {
                outcome = "unexpected";
                unexpected.Add($"unexpected: seed {seed}, {@case.Kind}#{@case.Index} ({@case.Mutation}, {@case.Path}): {Flatten(e)}");
            }
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            if (allocated > maxCaseAllocated)
            {
                maxCaseAllocated = allocated;
                maxCaseName = $"{@case.Kind}#{@case.Index} ({@case.Mutation})";
            }
            if (outcome == "ok" && @case.Kind == "zip") loadedZips.Add($"{@case.Index} ({@case.Mutation})");
            string key = $"{@case.Kind} {outcome}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        // Model zips: load, then transform nothing (loading builds the model; a transform needs data of its shape).
        for (int i = 0; i < casesPerKind; i++)
        {
            (string mutation, byte[] bytes) = MutateZip(zip, random);
            string path = Path.Combine(work, $"model{i}.zip");
            File.WriteAllBytes(path, bytes);
            string? entry = LstmAeEntries.FirstOrDefault(name => mutation.Contains($"/{name}:", StringComparison.Ordinal));
            Check(new Case("zip", i, mutation, path, entry), () =>
            {
                ITransformer model = mlContext.Model.Load(path, out _);
                (model as IDisposable)?.Dispose();
            });
        }

        // Plain and gzip npy files: open, then read every row.
        for (int i = 0; i < casesPerKind; i++)
        {
            bool gzip = i % 2 == 1;
            (string mutation, byte[] bytes) = gzip ? MutateGzip(npy, random) : MutateNpy(npy, random);
            string path = Path.Combine(work, gzip ? $"seq{i}.npy.gz" : $"seq{i}.npy");
            File.WriteAllBytes(path, bytes);
            Check(new Case(gzip ? "npy.gz" : "npy", i, mutation, path, path), () =>
            {
                IDataView view = mlContext.Data.LoadSequencesFromNpy(path);
                try
                {
                    ReadAll(view, "Frames");
                }
                finally
                {
                    (view as IDisposable)?.Dispose();
                }
            });
        }

        // Frame folders: one good frame and one mutated frame per sequence folder.
        for (int i = 0; i < casesPerKind; i++)
        {
            (string mutation, byte[] bytes) = MutatePng(png, random);
            string folder = Path.Combine(work, $"frames{i}");
            Directory.CreateDirectory(Path.Combine(folder, "clip"));
            File.WriteAllBytes(Path.Combine(folder, "clip", "0.png"), png);
            File.WriteAllBytes(Path.Combine(folder, "clip", "1.png"), bytes);
            Check(new Case("png", i, mutation, folder, Path.Combine(folder, "clip", "1.png")), () => ReadAll(mlContext.Data.LoadFrameSequences(folder, options), "Frames"));
        }

        Directory.Delete(work, recursive: true);
        foreach (string line in unexpected) Console.WriteLine(line);
        Console.WriteLine($"cases: {count}");
        Console.WriteLine($"zips that loaded: {string.Join("; ", loadedZips)}");
        Console.WriteLine($"outcomes: {string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}"))}");
        Console.WriteLine($"max case allocated bytes: {maxCaseAllocated}");
        Console.WriteLine($"max case: {maxCaseName}");
        Console.WriteLine($"total allocated bytes: {GC.GetTotalAllocatedBytes(precise: true)}");
        Console.WriteLine($"peak rss bytes: {PeakResidentBytes()}");
        return unexpected.Count == 0 ? 0 : 1;
    }

    private static string Flatten(Exception e)
    {
        var causes = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException) causes.Add($"{x.GetType().FullName}: {x.Message.ReplaceLineEndings(" ")}");
        return string.Join(" <- ", causes) + " at " + e.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
    }

    private static void ReadAll(IDataView view, string column)
    {
        DataViewSchema.Column frames = view.Schema[column];
        using DataViewRowCursor cursor = view.GetRowCursor([frames]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(frames);
        VBuffer<float> value = default;
        while (cursor.MoveNext()) getter(ref value);
    }

    /// <summary>The process's peak resident set (VmHWM in /proc/self/status), or -1 where there is none.</summary>
    private static long PeakResidentBytes()
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status)) return -1;
        string? line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    // ---- Generic mutations ----

    private static byte[] FlipBits(byte[] original, Random random)
    {
        byte[] copy = (byte[])original.Clone();
        for (int n = random.Next(1, 5); n > 0; n--) copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] Overwrite(byte[] original, int offset, Random random)
    {
        byte[] copy = (byte[])original.Clone();
        if (offset < copy.Length) copy[offset] = random.Next(3) switch { 0 => 0, 1 => 0xFF, _ => (byte)random.Next(256) };
        return copy;
    }

    private static byte[] Truncate(byte[] original, Random random) => original[..random.Next(original.Length)];

    /// <summary>A 32-bit little-endian size field set to an edge value or a random one.</summary>
    private static uint SizeValue(uint old, Random random) => random.Next(6) switch
    {
        0 => 0,
        1 => uint.MaxValue,
        2 => old + 1,
        3 => old > 0 ? old - 1 : 1,
        4 => old * 1000,
        _ => (uint)random.Next(),
    };

    private static List<int> Find(byte[] bytes, ReadOnlySpan<byte> signature)
    {
        var found = new List<int>();
        for (int i = 0; i + signature.Length <= bytes.Length; i++)
            if (bytes.AsSpan(i, signature.Length).SequenceEqual(signature)) found.Add(i);
        return found;
    }

    // ---- Model zips ----

    private static (string, byte[]) MutateZip(byte[] zip, Random random)
    {
        switch (random.Next(7))
        {
            case 0:
                return ("bit flips", FlipBits(zip, random));
            case 1:
                return ($"truncated", Truncate(zip, random));
            case 2:
            {
                // Header bytes: a local file header (30 bytes), a central directory record (46) or the end record (22).
                (byte[] signature, int length) = random.Next(3) switch
                {
                    0 => ("PK\x03\x04"u8.ToArray(), 30),
                    1 => ("PK\x01\x02"u8.ToArray(), 46),
                    _ => ("PK\x05\x06"u8.ToArray(), 22),
                };
                List<int> starts = Find(zip, signature);
                int at = starts[random.Next(starts.Count)] + random.Next(length);
                return ($"header byte {at} overwritten", Overwrite(zip, at, random));
            }
            case 3:
            {
                // Size fields: compressed and uncompressed size in local (18, 22) and central (20, 24) headers.
                bool local = random.Next(2) == 0;
                List<int> starts = Find(zip, local ? "PK\x03\x04"u8 : "PK\x01\x02"u8);
                int at = starts[random.Next(starts.Count)] + (local ? 18 : 20) + 4 * random.Next(2);
                byte[] copy = (byte[])zip.Clone();
                uint value = SizeValue(BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at)), random);
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
                return ($"{(local ? "local" : "central")} size field at {at} set to {value}", copy);
            }
            default:
                return RewriteEntry(zip, random);
        }
    }

    /// <summary>Rewrites one entry of the zip (a valid zip, so the damage reaches the entry's reader).</summary>
    private static (string, byte[]) RewriteEntry(byte[] zip, Random random)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        string description;
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            ZipArchiveEntry[] entries = [.. archive.Entries];
            ZipArchiveEntry settings = entries.Single(e => e.FullName.EndsWith("LstmAutoEncoderSettings.json", StringComparison.Ordinal));
            ZipArchiveEntry model = entries.Single(e => e.FullName.EndsWith("LstmAutoEncoderModel.bin", StringComparison.Ordinal));
            int choice = random.Next(6);
            ZipArchiveEntry target = choice switch
            {
                0 or 1 => settings,
                2 or 3 => model,
                _ => entries[random.Next(entries.Length)],
            };
            byte[] content;
            using (Stream read = target.Open())
            using (var copy = new MemoryStream())
            {
                read.CopyTo(copy);
                content = copy.ToArray();
            }

            string name = target.FullName;
            (description, byte[]? replacement) = choice switch
            {
                0 => EditJson(content, random),
                1 => random.Next(2) == 0
                    ? ("settings padded with 2 MiB of spaces", Padded(content, 2 << 20, (byte)' '))
                    : ("settings truncated", Truncate(content, random)),
                2 => EditModelHeader(content, random),
                3 => random.Next(3) switch
                {
                    0 => ("model entry truncated", Truncate(content, random)),
                    1 => ("model entry with 8 MiB appended", Padded(content, 8 << 20, 0)),
                    _ => ("model entry bit flips", FlipBits(content, random)),
                },
                4 => ("entry removed", null),
                _ => random.Next(2) == 0 ? ("entry bit flips", FlipBits(content.Length == 0 ? [0] : content, random)) : ("entry truncated", Truncate(content.Length == 0 ? [0] : content, random)),
            };
            description = $"{name}: {description}";
            target.Delete();
            if (replacement is not null)
            {
                using Stream write = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
                write.Write(replacement);
            }
        }
        return (description, stream.ToArray());
    }

    private static byte[] Padded(byte[] content, int extra, byte value)
    {
        byte[] padded = new byte[content.Length + extra];
        content.CopyTo(padded, 0);
        padded.AsSpan(content.Length).Fill(value);
        return padded;
    }

    private static readonly string[] JsonEdits =
    [
        "2147483647", "-1", "0", "1e30", "4097", "\"x\"", "null", "[]", "{}", "99999999999999999999", "1.5", "true",
    ];

    /// <summary>One number or string value of the settings JSON replaced, or an unknown member added.</summary>
    private static (string, byte[]) EditJson(byte[] json, Random random)
    {
        string text = Encoding.UTF8.GetString(json);
        if (random.Next(5) == 0)
            return ("settings with an unknown member", Encoding.UTF8.GetBytes(text.Replace("{", "{\"Extra\": 1,", StringComparison.Ordinal)));
        string[] lines = text.Split('\n');
        int[] values = [.. Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains("\": ", StringComparison.Ordinal) && !lines[i].TrimEnd().EndsWith('{'))];
        int line = values[random.Next(values.Length)];
        int colon = lines[line].IndexOf("\": ", StringComparison.Ordinal) + 3;
        string edit = JsonEdits[random.Next(JsonEdits.Length)];
        bool comma = lines[line].TrimEnd().EndsWith(',');
        string key = lines[line][..colon].Trim();
        lines[line] = lines[line][..colon] + edit + (comma ? "," : "");
        return ($"settings {key} {edit}", Encoding.UTF8.GetBytes(string.Join('\n', lines)));
    }

    /// <summary>Bytes of the model stream's header (magic, version, options: its first 96 bytes) edited: an int
    /// field set to an edge value, or single bytes overwritten.</summary>
    private static (string, byte[]) EditModelHeader(byte[] model, Random random)
    {
        byte[] copy = (byte[])model.Clone();
        int at = random.Next(Math.Min(96, copy.Length - 4));
        if (random.Next(2) == 0)
        {
            uint value = SizeValue(BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(at)), random);
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
            return ($"model int at {at} set to {value}", copy);
        }
        return ($"model byte {at} overwritten", Overwrite(copy, at, random));
    }

    // ---- npy and npy.gz ----

    private static readonly string[] Shapes =
    [
        "(0, 4, 8, 8)", "(8, 4, 8, 8)", "(4, 4, 8, 80)", "(4, 4, 100000, 100000)", "(4, 1000000000, 8, 8)",
        "(4, 4, -8, 8)", "(4, 4, 8)", "(4, 4, 8, 8, 1)", "(1000000000000000000, 1000000000000000000, 8, 8)", "(4, 4, 8, 8,",
        "(2147483647, 2147483647, 2147483647, 2147483647)",
    ];

    private static readonly string[] Descrs = ["'<f4'", "'>f4'", "'<f8'", "'|i1'", "'<u4'", "'|b1'", "'O'", "'<f4 '", "7"];

    private static (string, byte[]) MutateNpy(byte[] npy, Random random)
    {
        int headerLength = 10 + BinaryPrimitives.ReadUInt16LittleEndian(npy.AsSpan(8));
        switch (random.Next(6))
        {
            case 0:
                return ("bit flips", FlipBits(npy, random));
            case 1:
                return ("truncated", Truncate(npy, random));
            case 2:
            {
                int at = random.Next(headerLength);
                return ($"header byte {at} overwritten", Overwrite(npy, at, random));
            }
            case 3:
            {
                // The header-length field (bytes 8-9 of a version 1.0 file).
                byte[] copy = (byte[])npy.Clone();
                ushort value = (ushort)SizeValue(BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(8)), random);
                BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(8), value);
                return ($"header length set to {value}", copy);
            }
            case 4:
            {
                string shape = Shapes[random.Next(Shapes.Length)];
                return ($"shape {shape}", EditHeader(npy, "'shape': (4, 4, 8, 8)", $"'shape': {shape}"));
            }
            default:
            {
                string descr = Descrs[random.Next(Descrs.Length)];
                return ($"descr {descr}", EditHeader(npy, "'|u1'", descr));
            }
        }
    }

    /// <summary>The npy file with text of its header replaced, padded or cut to keep the header's length.</summary>
    private static byte[] EditHeader(byte[] npy, string find, string replace)
    {
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(npy.AsSpan(8));
        string header = Encoding.ASCII.GetString(npy, 10, headerLength);
        string edited = header.Replace(find, replace, StringComparison.Ordinal).TrimEnd();
        edited = edited.Length < headerLength ? edited.PadRight(headerLength - 1) + "\n" : edited[..headerLength];
        return [.. npy[..10], .. Encoding.ASCII.GetBytes(edited), .. npy[(10 + headerLength)..]];
    }

    private static (string, byte[]) MutateGzip(byte[] npy, Random random)
    {
        switch (random.Next(5))
        {
            case 0:
            {
                (string mutation, byte[] bytes) = MutateNpy(npy, random);
                return ($"gzip of npy {mutation}", Gzip(bytes));
            }
            case 1:
            {
                // A bomb: the header declares the seed's 1 KiB of data, the stream holds many MiB more.
                int extra = random.Next(1, 33) << 20;
                return ($"gzip stream {extra} bytes longer than declared", Gzip(Padded(npy, extra, 0)));
            }
            case 2:
                return ("gzip bit flips", FlipBits(Gzip(npy), random));
            case 3:
                return ("gzip truncated", Truncate(Gzip(npy), random));
            default:
            {
                // The trailer's ISIZE (declared uncompressed length, last 4 bytes) or CRC edited.
                byte[] gz = Gzip(npy);
                int at = gz.Length - 4 * random.Next(1, 3);
                uint value = SizeValue(BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(at)), random);
                BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(at), value);
                return ($"gzip trailer at {at} set to {value}", gz);
            }
        }
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }

    // ---- PNG ----

    private static (string, byte[]) MutatePng(byte[] png, Random random)
    {
        switch (random.Next(5))
        {
            case 0:
                return ("bit flips", FlipBits(png, random));
            case 1:
                return ("truncated", Truncate(png, random));
            case 2:
            {
                int at = random.Next(Math.Min(64, png.Length));
                return ($"header byte {at} overwritten", Overwrite(png, at, random));
            }
            case 3:
            {
                // IHDR width and height (bytes 16-23) with the chunk's CRC recomputed, as a crafted file has.
                uint[] sides = [0, 1, 7, 9, 100000, 46341, 65536, uint.MaxValue, 0x7FFFFFFF];
                uint width = sides[random.Next(sides.Length)], height = sides[random.Next(sides.Length)];
                byte[] copy = (byte[])png.Clone();
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(16), width);
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(20), height);
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32(copy.AsSpan(12, 17)));
                return ($"IHDR {width}x{height}", copy);
            }
            default:
            {
                // A chunk's length field (IHDR at 8, the next chunk at 33).
                int at = random.Next(2) == 0 ? 8 : 33;
                byte[] copy = (byte[])png.Clone();
                uint value = SizeValue(BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(at)), random);
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(at), value);
                return ($"chunk length at {at} set to {value}", copy);
            }
        }
    }

    /// <summary>The CRC-32 PNG chunks carry (ISO 3309), over the chunk type and data.</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
