using System.Text;
using System.Text.Json;
using LstmAe.Data;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.Data;

[TestClass]
public sealed class NpySequenceFileTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "npy");

    [TestMethod]
    [DataRow("time_major_u8.npy", NpySequenceLayout.TimeMajor)]
    [DataRow("time_major_u8.npy.gz", NpySequenceLayout.TimeMajor)]
    [DataRow("batch_major_u8.npy", NpySequenceLayout.BatchMajor)]
    [DataRow("batch_major_f32.npy", NpySequenceLayout.BatchMajor)]
    [DataRow("batch_major_f32_bigendian.npy", NpySequenceLayout.BatchMajor)]
    [DataRow("fortran_order_u8.npy", NpySequenceLayout.BatchMajor)]
    public void EveryFixtureLayoutDecodesToTheRulesContent(string file, NpySequenceLayout layout)
    {
        FixtureSpec spec = FixtureSpec.Load();
        using NpySequenceFile npy = NpySequenceFile.Open(Path.Combine(Fixtures, file), new NpySequenceOptions { Layout = layout });

        Assert.AreEqual((spec.Sequences, spec.Frames, spec.Height, spec.Width), (npy.SequenceCount, npy.FrameCount, npy.FrameHeight, npy.FrameWidth));
        long byteSum = 0;
        for (int n = 0; n < spec.Sequences; n++)
        {
            float[] actual = npy.ReadSequence(n);
            float[] expected = spec.Sequence(n);
            for (int i = 0; i < expected.Length; i++)
            {
                if (Math.Abs(actual[i] - expected[i]) > 1e-6f)
                {
                    Assert.Fail($"{file}: sequence {n}, frame {i / 4096}, pixel {i % 4096}: expected {expected[i]}, got {actual[i]}");
                }
            }

            byteSum += actual.Sum(v => (long)Math.Round(v * 255));
        }

        Assert.AreEqual(spec.ChecksumU8Sum, byteSum);
    }

    [TestMethod]
    public void SplitsTakeTheLeadingAndTrailingSequences()
    {
        FixtureSpec spec = FixtureSpec.Load();
        string path = Path.Combine(Fixtures, "time_major_u8.npy");
        using NpySequenceFile train = NpySequenceFile.Open(path, new NpySequenceOptions { Split = DataSplit.Train, TrainSequenceCount = 4 });
        using NpySequenceFile test = NpySequenceFile.Open(path, new NpySequenceOptions { Split = DataSplit.Test, TrainSequenceCount = 4 });

        Assert.AreEqual((4, 2, 6), (train.SequenceCount, test.SequenceCount, test.TotalSequenceCount));
        CollectionAssert.AreEqual(spec.Sequence(3), train.ReadSequence(3));
        CollectionAssert.AreEqual(spec.Sequence(4), test.ReadSequence(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => test.ReadSequence(2));
        var error = Assert.ThrowsExactly<ArgumentException>(() => NpySequenceFile.Open(path, new NpySequenceOptions { Split = DataSplit.Test }));
        StringAssert.Contains(error.Message, "TrainSequenceCount is 9000");
    }

    [TestMethod]
    [DataRow("time_major_u8.npy", NpySequenceLayout.TimeMajor)]
    [DataRow("fortran_order_u8.npy", NpySequenceLayout.BatchMajor)]
    public void AFrameCountReadsTheLeadingFramesOfEachSequence(string file, NpySequenceLayout layout)
    {
        FixtureSpec spec = FixtureSpec.Load();
        string path = Path.Combine(Fixtures, file);
        using NpySequenceFile npy = NpySequenceFile.Open(path, new NpySequenceOptions { Layout = layout, FrameCount = 3 });

        Assert.AreEqual(3, npy.FrameCount);
        Assert.AreEqual(3 * spec.Height * spec.Width, npy.SequenceLength);
        CollectionAssert.AreEqual(spec.Sequence(5)[..npy.SequenceLength], npy.ReadSequence(5));
        Assert.AreEqual($"{spec.Sequences} sequences of '{path}' (their first 3 of {spec.Frames} frames)", npy.Description);
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(21)]
    public void AFrameCountOutsideTheFileIsNamed(int frames)
    {
        string path = Path.Combine(Fixtures, "time_major_u8.npy"); // 20 frames per sequence

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NpySequenceFile.Open(path, new NpySequenceOptions { FrameCount = frames }));

        Assert.AreEqual("options", error.ParamName);
        StringAssert.Contains(error.Message, $"NpySequenceOptions.FrameCount is {frames}, but the sequences of '{path}' have 20 frames");
        StringAssert.Contains(error.Message, "expected 1 to 20");
        Assert.AreEqual(frames, error.ActualValue);
    }

    [TestMethod]
    public void ConcurrentReadsAgreeWithSequentialReads()
    {
        using NpySequenceFile npy = NpySequenceFile.Open(Path.Combine(Fixtures, "time_major_u8.npy"));
        float[][] sequential = Enumerable.Range(0, 6).Select(npy.ReadSequence).ToArray();

        float[][] parallel = new float[6][];
        Parallel.For(0, 6, n => parallel[n] = npy.ReadSequence(n));

        for (int n = 0; n < 6; n++)
        {
            CollectionAssert.AreEqual(sequential[n], parallel[n]);
        }
    }

    [TestMethod]
    public void TruncatedFileNamesFileShapeAndOffsets()
    {
        string path = Path.Combine(Fixtures, "truncated_u8.npy");

        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "truncated");
        StringAssert.Contains(error.Message, "(6, 20, 64, 64) of uint8, 491520 bytes from offset 128");
        StringAssert.Contains(error.Message, "ends at offset 5000");
    }

    [TestMethod]
    public void WrongMagicIsRejectedAtOffsetZero()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("image.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "not an .npy file: expected the magic bytes \\x93NUMPY at offset 0, found \\x89\\x50\\x4E\\x47");
    }

    [TestMethod]
    [DataRow("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 1, 4, 4), }", "element type '<i8' is not supported")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 16, 16), }", "shape (2, 16, 16) has 3 dimensions; expected 4")]
    [DataRow("{'descr': '|u1', 'shape': (2, 1, 4, 4), }", "no valid 'fortran_order' entry")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (9, 9, 100000000000, 100000000000), }", "too large to address")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2, x, 4, 4), }", "invalid size 'x'")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (0, 10, 1000000000000000000, 1000000000000000000), }",
        "shape (0, 10, 1000000000000000000, 1000000000000000000) ((frames, sequences, height, width) for a time-major file) holds 10 sequences " +
        "of 0 frames of 1000000000000000000 x 1000000000000000000 pixels; a sequence needs at least one frame of at least 1 x 1 pixels.")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 0, 50000, 50000), }",
        "holds 0 sequences of 2 frames of 50000 x 50000 pixels, 5000000000 values per sequence; at most 2147483591 values per sequence")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 0, 4294967296, 4294967296), }",
        "holds 0 sequences of 1 frames of 4294967296 x 4294967296 pixels, 18446744073709551616 values per sequence")]
    [DataRow("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 23171, 23171), }",
        "holds 1 sequences of 1 frames of 23171 x 23171 pixels: one frame is 2147580964 bytes of float32; at most 2147483591 bytes per frame")]
    // What a search for each key's pattern read differently from numpy, which refuses these or takes the last value.
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'x': \"'shape': (1, 1, 1, 1)\", 'shape': (2, 1, 4, 4), }",
        "unexpected key 'x'")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 1, 1), 'shape': (2, 1, 4, 4), }", "the key 'shape' appears twice")]
    [DataRow("{'descr': [('a', '|u1')], 'fortran_order': False, 'shape': (2, 1, 4, 4), }", "expected a string, a tuple, True or False at character 10")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': ((2, 1), 4, 4), }", "expected a flat tuple at character 50")]
    [DataRow("{'descr': '|u1', 'fortran_order': 0, 'shape': (2, 1, 4, 4), }", "expected a string, a tuple, True or False at character 34")]
    [DataRow("{'descr': '|u1', 'fortran_order': false, 'shape': (2, 1, 4, 4), }", "no valid 'fortran_order' entry")]
    [DataRow("{'descr': (2, 1, 4, 4), 'fortran_order': False, 'shape': '|u1', }", "no valid 'descr' entry")]
    [DataRow("{'descr': '|u\\x31', 'fortran_order': False, 'shape': (2, 1, 4, 4), }", "expected a string without escapes at character 10")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 4, 4) } extra", "expected the end of the header")]
    [DataRow("{'descr': '|u1' 'fortran_order': False, 'shape': (2, 1, 4, 4), }", "expected ',' or '}' at character 16")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 4, 4,,), }", "invalid size ''")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (,), }", "invalid size ''")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2), }", "shape (2) is not a tuple")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (+2, 1, 4, 4), }", "invalid size '+2'")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (02, 1, 4, 4), }", "invalid size '02'")]
    [DataRow("{'descr': '|u1',\u00a0'fortran_order': False, 'shape': (2, 1, 4, 4), }", "expected a quoted key at character 16")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 4, 4), }\0\0", "expected the end of the header")]
    public void BadHeaderSaysWhatIsWrongAndWhere(string header, string expected)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("bad.npy", NpyVersion1(header, dataLength: 32));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, expected);
        StringAssert.Contains(error.Message, "offset 10");
    }

    [TestMethod]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4, 4), }")]
    [DataRow("{\"shape\": (2,3,4,4), \"fortran_order\": False, \"descr\": \"|u1\"}")]
    [DataRow("{\t'fortran_order' : False ,'descr':'u1','shape':( 2 , 3 , 4 , 4 , )}\t\t")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (2L, 3L, 4L, 4L), }")] // Python 2's numpy
    [DataRow("\t {'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4, 4), }")] // literal_eval skips these
    public void AHeaderInAnyKeyOrderSpacingAndQuotingReadsTheSame(string header)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("ok.npy", NpyVersion1(header, dataLength: 2 * 3 * 4 * 4));

        using var file = NpySequenceFile.Open(path);

        Assert.AreEqual((2, 3, 4, 4), (file.FrameCount, file.Count, file.FrameHeight, file.FrameWidth));
    }

    [TestMethod]
    public void SequenceAndFrameCountsComeFromTheHeaderAlone()
    {
        using var temp = new TempDirectory();
        // Headers only: the data they declare is not there, and a gzip holds nothing but the header.
        string plain = temp.Write("plain.npy", NpyVersion1("{'descr': '|u1', 'fortran_order': False, 'shape': (20, 7, 64, 64), }", dataLength: 0));
        string gzip = temp.Write("packed.npy.gz", Gzip(NpyVersion1("{'descr': '|u1', 'fortran_order': False, 'shape': (20, 7, 64, 64), }", 0), 0));

        Assert.AreEqual(7, NpySequenceFile.ReadSequenceCount(plain));
        Assert.AreEqual(7, NpySequenceFile.ReadSequenceCount(gzip));
        Assert.AreEqual(20, NpySequenceFile.ReadSequenceCount(gzip, NpySequenceLayout.BatchMajor));
        Assert.AreEqual(20, NpySequenceFile.ReadFrameCount(plain));
        Assert.AreEqual(20, NpySequenceFile.ReadFrameCount(gzip));
        Assert.AreEqual(7, NpySequenceFile.ReadFrameCount(plain, NpySequenceLayout.BatchMajor));
        Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(plain), "the data is missing");
    }

    [TestMethod]
    [DataRow(9, 0)]
    [DataRow(1, 1)] // numpy refuses minor versions too
    public void UnknownFormatVersionIsRejected(int major, int minor)
    {
        using var temp = new TempDirectory();
        byte[] file = NpyVersion1("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 1, 1), }", dataLength: 1);
        (file[6], file[7]) = ((byte)major, (byte)minor);
        string path = temp.Write("future.npy", file);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path));

        StringAssert.Contains(error.Message, $"format version {major}.{minor} (offset 6); numpy writes versions 1.0, 2.0 and 3.0");
    }

    [TestMethod]
    public void CorruptGzipNamesTheFile()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("broken.npy.gz", [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0x12, 0x34]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path));

        StringAssert.Contains(error.Message, path);
    }

    [TestMethod]
    public void AGzipHoldingMoreThanItsHeaderDeclaresIsRefusedAfterTheDeclaredBytes()
    {
        using var temp = new TempDirectory();
        // 16 declared data bytes, then 64 MiB of zeros (about 64 KB compressed), which used to be written to disk and
        // accepted; only one byte past the declared size is decompressed now.
        string path = temp.Write("bomb.npy.gz", Gzip(NpyVersion1("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 4, 4), }", 16), 64 << 20));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path));

        StringAssert.Contains(error.Message, $"'{path}' decompresses to more than the 144 bytes its .npy header declares");
    }

    [TestMethod]
    public void AGzipHoldingLessThanItsHeaderDeclaresIsTruncated()
    {
        using var temp = new TempDirectory();
        byte[] npy = NpyVersion1("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 4, 4), }", 32);
        string path = temp.Write("short.npy.gz", Gzip(npy[..^5], 0));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path));

        StringAssert.Contains(error.Message, $"'{path}' is truncated: its .npy header declares 160 bytes (header and data) but it decompresses to 155");
    }

    [TestMethod]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (100000, 100000, 100), }", "has 3 dimensions; expected 4")]
    [DataRow("{'descr': '|u1', 'fortran_order': False, 'shape': (0, 100000, 1000, 1000), }", "a sequence needs at least one frame")]
    [DataRow("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1000, 23171, 23171), }", "one frame is 2147580964 bytes of float32")]
    public void AGzipWithABadShapeIsRefusedBeforeDecompressing(string header, string expected)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("bad.npy.gz", Gzip(NpyVersion1(header, 0), 0));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public void AGzipWhoseSplitDoesNotFitIsRefusedBeforeDecompressing()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("split.npy.gz", Gzip(NpyVersion1("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 4, 4), }", 0), 0));

        var error = Assert.ThrowsExactly<ArgumentException>(
            () => NpySequenceFile.Open(path, new NpySequenceOptions { Split = DataSplit.Train, TrainSequenceCount = 5 }));

        StringAssert.Contains(error.Message, "holds 2 sequences");
    }

    [TestMethod]
    public void AGzipDeclaringMoreThanTheDecompressionCapIsRefusedNamingBothSizes()
    {
        using var temp = new TempDirectory();
        // 20,000 sequences of 1000 x 1000 bytes: 20 GB declared behind a header of about 100 bytes.
        string huge = temp.Write("huge.npy.gz", Gzip(NpyVersion1("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 20000, 1000, 1000), }", 0), 0));
        string small = temp.Write("small.npy.gz", Gzip(NpyVersion1("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 4, 4), }", 16), 0));

        var hugeError = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(huge));
        var smallError = Assert.ThrowsExactly<InvalidDataException>(
            () => NpySequenceFile.Open(small, new NpySequenceOptions { MaxDecompressedBytes = 100 }));

        StringAssert.Contains(hugeError.Message, $"'{huge}' would decompress to 20000000128 bytes");
        StringAssert.Contains(hugeError.Message, $"more than the {NpySequenceOptions.DefaultMaxDecompressedBytes} bytes");
        StringAssert.Contains(smallError.Message, $"'{small}' would decompress to 144 bytes");
        StringAssert.Contains(smallError.Message, "more than the 100 bytes NpySequenceOptions.MaxDecompressedBytes allows");
    }

    /// <summary><paramref name="content"/> then <paramref name="zeros"/> zero bytes, gzip-compressed.</summary>
    private static byte[] Gzip(byte[] content, int zeros)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
            byte[] chunk = new byte[1 << 20];
            for (int written = 0; written < zeros; written += chunk.Length)
            {
                gzip.Write(chunk, 0, Math.Min(chunk.Length, zeros - written));
            }
        }

        return output.ToArray();
    }

    private static byte[] NpyVersion1(string header, int dataLength)
    {
        // Pad the header so magic + version + length + header is a multiple of 64 bytes, as numpy does.
        int padded = (10 + header.Length + 1 + 63) / 64 * 64 - 10;
        string text = header.PadRight(padded - 1) + "\n";
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(padded & 0xFF), (byte)(padded >> 8)];
        return [.. prefix, .. Encoding.Latin1.GetBytes(text), .. new byte[dataLength]];
    }

    /// <summary>expected.json: the rule that generated the fixtures, recomputed here.</summary>
    private sealed record FixtureSpec(int Sequences, int Frames, int Height, int Width, long ChecksumU8Sum)
    {
        private const int Block = 8;
        private const int Span = 56;

        public static FixtureSpec Load()
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json")));
            JsonElement root = json.RootElement;
            return new FixtureSpec(root.GetProperty("sequences").GetInt32(), root.GetProperty("frames").GetInt32(),
                root.GetProperty("height").GetInt32(), root.GetProperty("width").GetInt32(), root.GetProperty("checksum_u8_sum").GetInt64());
        }

        /// <summary>Frame t of sequence n: an 8x8 block of value 255-10n at row (3t+5n)%56, col (2t+7n)%56, else 0.</summary>
        public float[] Sequence(int n)
        {
            var frames = new float[Frames * Height * Width];
            for (int t = 0; t < Frames; t++)
            {
                int top = (3 * t + 5 * n) % Span, left = (2 * t + 7 * n) % Span;
                for (int r = top; r < top + Block; r++)
                {
                    for (int c = left; c < left + Block; c++)
                    {
                        frames[(t * Height + r) * Width + c] = (255 - 10 * n) / 255f;
                    }
                }
            }

            return frames;
        }
    }
}
