using LstmAe.MLNet.Data;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;

namespace LstmAe.MLNet.Tests.Data;

[TestClass]
public sealed class FrameFolderDataViewTests
{
    // BT.601 luma of pure red, green and blue.
    private const float Red = 0.299f, Green = 0.587f, Blue = 0.114f;

    [TestMethod]
    public void FramesAreGrayscaleInNaturalFileOrder()
    {
        using var temp = new TempDirectory();
        // Ordinal order would be f1, f10, f2; natural order is f1, f2, f10.
        WritePng(temp, "clip/f1.png", Solid(4, 4, SKColors.Red));
        WritePng(temp, "clip/f10.png", Solid(4, 4, SKColors.Blue));
        WritePng(temp, "clip/f2.png", Solid(4, 4, SKColors.Lime));
        temp.Write("clip/notes.txt", [1, 2, 3]);

        IDataView view = new MLContext().Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 4, FrameWidth = 4 });
        float[] frames = CursorReading.ReadVectors(view, "Frames").Single().Values;

        int[] dimensions = [3, 4, 4];
        CollectionAssert.AreEqual(dimensions, ((VectorDataViewType)view.Schema["Frames"].Type).Dimensions.ToArray());
        AssertAll(frames.AsSpan(0, 16), Red, "frame 0 is f1 (red)");
        AssertAll(frames.AsSpan(16, 16), Green, "frame 1 is f2 (green)");
        AssertAll(frames.AsSpan(32, 16), Blue, "frame 2 is f10 (blue)");
    }

    [TestMethod]
    public void LargerImagesAreResizedByAreaAveraging()
    {
        using var temp = new TempDirectory();
        // 8x8: white left half, black right half; rows 0-3 also darken to gray 128 on the left.
        using var bitmap = Solid(8, 8, SKColors.Black);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                bitmap.SetPixel(x, y, y < 4 ? new SKColor(128, 128, 128) : SKColors.White);
            }
        }

        WritePng(temp, "a/0.png", bitmap);

        IDataView view = new MLContext().Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 2, FrameWidth = 2 });
        float[] frame = CursorReading.ReadVectors(view, "Frames").Single().Values;

        float gray = (0.299f + 0.587f + 0.114f) * 128 / 255f;
        CollectionAssert.AreEqual(new[] { gray, 0f, 1f, 0f }, frame, new ToleranceComparer(1e-5f));
    }

    [TestMethod]
    public void SequencesAreSubfoldersWithTheirNamesAndJpegDecodes()
    {
        using var temp = new TempDirectory();
        foreach (string clip in new[] { "walk10", "walk2" })
        {
            WritePng(temp, $"{clip}/a.png", Solid(6, 6, SKColors.White));
            WriteJpeg(temp, $"{clip}/b.jpg", Solid(6, 6, new SKColor(100, 100, 100)));
        }

        IDataView view = new MLContext().Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 3, FrameWidth = 3 });
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        ValueGetter<ReadOnlyMemory<char>> name = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Name"]);
        ValueGetter<VBuffer<float>> frames = cursor.GetGetter<VBuffer<float>>(view.Schema["Frames"]);
        var names = new List<string>();
        ReadOnlyMemory<char> value = default;
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            name(ref value);
            names.Add(value.ToString());
            frames(ref buffer);
            float[] values = buffer.DenseValues().ToArray();
            AssertAll(values.AsSpan(0, 9), 1f, "white png");
            AssertAll(values.AsSpan(9, 9), 100 / 255f, "gray jpeg", tolerance: 3 / 255f);
        }

        string[] naturalOrder = ["walk2", "walk10"];
        CollectionAssert.AreEqual(naturalOrder, names);
    }

    [TestMethod]
    public void InconsistentFrameCountsNameTheFolderUnlessFrameCountTakesTheFirstFrames()
    {
        using var temp = new TempDirectory();
        WritePng(temp, "long/1.png", Solid(2, 2, SKColors.White));
        WritePng(temp, "long/2.png", Solid(2, 2, SKColors.Black));
        WritePng(temp, "long/3.png", Solid(2, 2, SKColors.Black));
        WritePng(temp, "short/1.png", Solid(2, 2, SKColors.Black));
        WritePng(temp, "short/2.png", Solid(2, 2, SKColors.White));
        var mlContext = new MLContext();

        var error = Assert.ThrowsExactly<InvalidDataException>(() => mlContext.Data.LoadFrameSequences(temp.Path));
        IDataView firstTwo = mlContext.Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameCount = 2, FrameHeight = 2, FrameWidth = 2 });
        var tooMany = Assert.ThrowsExactly<InvalidDataException>(() => mlContext.Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameCount = 3 }));

        StringAssert.Contains(error.Message, Path.Combine(temp.Path, "short"));
        StringAssert.Contains(error.Message, "holds 2 frames");
        var rows = CursorReading.ReadVectors(firstTwo, "Frames");
        float[] longFirstTwo = [1, 1, 1, 1, 0, 0, 0, 0];
        float[] shortBoth = [0, 0, 0, 0, 1, 1, 1, 1];
        CollectionAssert.AreEqual(longFirstTwo, rows[0].Values);
        CollectionAssert.AreEqual(shortBoth, rows[1].Values);
        StringAssert.Contains(tooMany.Message, "'" + Path.Combine(temp.Path, "short") + "' holds 2 frames, fewer than FrameFolderOptions.FrameCount (3)");
    }

    [TestMethod]
    public void WithoutASizeFramesTakeTheFirstImagesAndOthersAreResizedToIt()
    {
        using var temp = new TempDirectory();
        WritePng(temp, "a/0.png", Solid(6, 4, SKColors.White)); // 6 wide, 4 high: the first frame
        using SKBitmap halves = Solid(12, 8, SKColors.Black);   // twice the size: left half white, right half black
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                halves.SetPixel(x, y, SKColors.White);
            }
        }

        WritePng(temp, "b/0.png", halves.Copy());

        using var folders = FrameFolderSequences.Open(temp.Path);
        IDataView view = new MLContext().Data.LoadFrameSequences(temp.Path);

        Assert.AreEqual((4, 6), (folders.FrameHeight, folders.FrameWidth));
        int[] dimensions = [1, 4, 6];
        CollectionAssert.AreEqual(dimensions, ((VectorDataViewType)view.Schema["Frames"].Type).Dimensions.ToArray());
        var rows = CursorReading.ReadVectors(view, "Frames");
        AssertAll(rows[0].Values, 1f, "the first frame as it is");
        // 2 x 2 blocks averaged: each output row is three white pixels, then three black ones.
        float[] resized = Enumerable.Range(0, 24).Select(i => i % 6 < 3 ? 1f : 0f).ToArray();
        CollectionAssert.AreEqual(resized, rows[1].Values, new ToleranceComparer(1e-6f));
        var both = Assert.ThrowsExactly<ArgumentException>(() => FrameFolderSequences.Open(temp.Path, new FrameFolderOptions { FrameHeight = 4 }));
        StringAssert.Contains(both.Message, "set both FrameHeight and FrameWidth, or neither to take the first frame's size; got 4xnull");
    }

    [TestMethod]
    public void HiddenFilesSuchAsMacResourceForksAreNotFrames()
    {
        using var temp = new TempDirectory();
        WritePng(temp, "clip/f1.png", Solid(2, 2, SKColors.White));
        WritePng(temp, "clip/f2.png", Solid(2, 2, SKColors.Black));
        temp.Write("clip/._f1.png", [0, 5, 22, 7]); // AppleDouble metadata, named like the frame it describes

        using var folders = FrameFolderSequences.Open(temp.Path);

        Assert.AreEqual(2, folders.FrameCount);
    }

    [TestMethod]
    public void ALayoutMistakeNamesTheOptionForTheOtherLayout()
    {
        using var classes = new TempDirectory();
        WritePng(classes, "left/clip1/0.png", Solid(2, 2, SKColors.White));
        using var flat = new TempDirectory();
        WritePng(flat, "clip1/0.png", Solid(2, 2, SKColors.White));

        var asFlat = Assert.ThrowsExactly<InvalidDataException>(() => FrameFolderSequences.Open(classes.Path));
        var asClasses = Assert.ThrowsExactly<InvalidDataException>(() => FrameFolderSequences.Open(flat.Path, new FrameFolderOptions { LabelsFromClassFolders = true }));

        StringAssert.Contains(asFlat.Message, "it holds subfolders: for class folders (root/<class>/<sequence>/<frames>), set FrameFolderOptions.LabelsFromClassFolders");
        StringAssert.Contains(asClasses.Message, "holds no subfolders but frame images");
        StringAssert.Contains(asClasses.Message, "leave LabelsFromClassFolders off");
    }

    [TestMethod]
    public void MissingOrEmptyFoldersAndUndecodableImagesGiveClearErrors()
    {
        using var temp = new TempDirectory();
        var mlContext = new MLContext();

        Assert.ThrowsExactly<DirectoryNotFoundException>(() => mlContext.Data.LoadFrameSequences(Path.Combine(temp.Path, "nowhere")));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => mlContext.Data.LoadFrameSequences(temp.Path)).Message, "holds no subfolders");
        string broken = temp.Write("clip/0.png", [1, 2, 3, 4]);
        // Without a frame size the first image's header gives it, so loading already reads that image.
        var error = Assert.ThrowsExactly<InvalidDataException>(() => mlContext.Data.LoadFrameSequences(temp.Path));
        StringAssert.Contains(error.Message, broken);
        IDataView sized = mlContext.Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 2, FrameWidth = 2 });
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => CursorReading.ReadVectors(sized, "Frames")).Message, broken);
    }

    [TestMethod]
    public void AFileThatIsNotAnImageIsNamedAsNotAReadableImage()
    {
        using var temp = new TempDirectory();
        string text = temp.Write("clip/frame-1.png", "not an image, despite its name"u8.ToArray());

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CursorReading.ReadVectors(new MLContext().Data.LoadFrameSequences(temp.Path), "Frames"));

        Assert.AreEqual($"'{text}' is not a PNG, JPEG, GIF, BMP or WebP image (its first bytes are 6E6F7420616E2069).", error.Message);
    }

    [TestMethod]
    public void APngDeclaringHugeDimensionsIsRefusedBeforeDecoding()
    {
        using var temp = new TempDirectory();
        // A real 2x2 PNG whose header claims 100000 x 100000: ten billion pixels in a file of under 1 KB.
        string bomb = temp.Write("clip/0.png", WithPngSize(EncodedPng(2, 2), 100_000, 100_000));
        // Sized, so the image is read by the cursor; unsized, loading reads its header for the size (below).
        IDataView view = new MLContext().Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 2, FrameWidth = 2 });

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => CursorReading.ReadVectors(view, "Frames"));

        StringAssert.Contains(error.Message, $"'{bomb}' is a PNG image of 100000x100000 = 10000000000 pixels; at most {FrameFolderOptions.DefaultMaxImagePixels}");
        StringAssert.Contains(error.Message, "FrameFolderOptions.MaxImagePixels");
        Assert.IsLessThan(16L << 20, GC.GetAllocatedBytesForCurrentThread() - before);

        // The largest a header can declare: the product does not fit a long.
        File.WriteAllBytes(bomb, WithPngSize(EncodedPng(2, 2), uint.MaxValue, uint.MaxValue));
        var largest = Assert.ThrowsExactly<InvalidDataException>(() => CursorReading.ReadVectors(view, "Frames"));
        StringAssert.Contains(largest.Message, $"4294967295x4294967295 = {(ulong)uint.MaxValue * uint.MaxValue} pixels; at most");
        before = GC.GetAllocatedBytesForCurrentThread();
        var unsized = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadFrameSequences(temp.Path));
        Assert.IsLessThan(16L << 20, GC.GetAllocatedBytesForCurrentThread() - before);
        StringAssert.Contains(unsized.Message, $"'{bomb}' is a PNG image of 4294967295x4294967295");
    }

    [TestMethod]
    public void TheImageSizeLimitCanBeRaisedOrLowered()
    {
        using var temp = new TempDirectory();
        WritePng(temp, "clip/0.png", Solid(8, 4, SKColors.White));

        var lowered = new FrameFolderOptions { FrameHeight = 2, FrameWidth = 2, MaxImagePixels = 31 };
        var error = Assert.ThrowsExactly<InvalidDataException>(() => CursorReading.ReadVectors(new MLContext().Data.LoadFrameSequences(temp.Path, lowered), "Frames"));
        StringAssert.Contains(error.Message, "8x4 = 32 pixels; at most 31");

        var exact = lowered with { MaxImagePixels = 32 };
        AssertAll(CursorReading.ReadVectors(new MLContext().Data.LoadFrameSequences(temp.Path, exact), "Frames").Single().Values, 1f, "white");
        Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Data.LoadFrameSequences(temp.Path, lowered with { MaxImagePixels = 0 }));
    }

    [TestMethod]
    public void JpegGifAndBmpHeadersAreReadWithoutDecoding()
    {
        using var bitmap = Solid(5, 3, SKColors.Gray);
        using SKData jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        Assert.AreEqual(new ImageHeader("JPEG", 5, 3), ImageHeader.Read(jpeg.ToArray(), "x.jpg"));
        byte[] gif = [.. "GIF89a"u8, 5, 0, 3, 0, 0, 0, 0];
        Assert.AreEqual(new ImageHeader("GIF", 5, 3), ImageHeader.Read(gif, "x.gif"));
        byte[] bmp = new byte[26];
        "BM"u8.CopyTo(bmp);
        BitConverter.GetBytes(40).CopyTo(bmp, 14);
        BitConverter.GetBytes(5).CopyTo(bmp, 18);
        BitConverter.GetBytes(-3).CopyTo(bmp, 22);
        Assert.AreEqual(new ImageHeader("BMP", 5, 3), ImageHeader.Read(bmp, "x.bmp"));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => ImageHeader.Read("PNGish"u8, "x.png")).Message, "'x.png' is not a PNG, JPEG");
    }

    [TestMethod]
    [Timeout(60_000)] // not cooperative: a reader blocked in open() never looks at a token
    public void AFifoAmongTheFramesIsRefusedByNameInsteadOfWaitingForAWriter()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("File kinds are read on Linux only.");
        using var temp = new TempDirectory();
        WritePng(temp, "clip/1.png", Solid(2, 2, SKColors.White));
        Directory.CreateDirectory(temp.File("clip"));
        string fifo = temp.File("clip/2.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }

        var error = Assert.ThrowsExactly<InvalidDataException>(() =>
            CursorReading.ReadVectors(new MLContext().Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 2, FrameWidth = 2 }), "Frames"));

        StringAssert.StartsWith(error.Message, $"'{fifo}' is a FIFO, not a regular file");
    }

    [TestMethod]
    public void AlphaIsIgnoredTransparentPixelsKeepTheirColour()
    {
        using var temp = new TempDirectory();
        // White at alpha 0 and 128 around one opaque black pixel, as sprites exported with transparency hold them.
        temp.Write("clip/0.png", RgbaPng(4, 4, (x, y) => (x, y) switch
        {
            (1, 1) => (0, 0, 0, 255),
            (2, 2) => (255, 255, 255, 128),
            _ => (255, 255, 255, 0),
        }));

        float[] frame = CursorReading.ReadVectors(
            new MLContext().Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 4, FrameWidth = 4 }), "Frames").Single().Values;

        float[] expected = Enumerable.Range(0, 16).Select(i => i == 1 * 4 + 1 ? 0f : 1f).ToArray();
        CollectionAssert.AreEqual(expected, frame, new ToleranceComparer(1e-6f));
    }

    /// <summary>An 8-bit RGBA PNG (colour type 6) of the given straight, not premultiplied, pixels.</summary>
    private static byte[] RgbaPng(int width, int height, Func<int, int, (byte R, byte G, byte B, byte A)> pixel)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (int x = 0; x < width; x++)
            {
                var (r, g, b, a) = pixel(x, y);
                raw.Write([r, g, b, a]);
            }
        }

        var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            raw.WriteTo(zlib);
        }

        byte[] header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9]) = (8, 6);
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (type, data) in new[] { ("IHDR", header), ("IDAT", compressed.ToArray()), ("IEND", Array.Empty<byte>()) })
        {
            byte[] chunk = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
            byte[] length = new byte[4], crc = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(chunk));
            png.Write(length);
            png.Write(chunk);
            png.Write(crc);
        }

        return png.ToArray();
    }

    [TestMethod]
    public void TruncatedPngAndJpegFramesAreRefusedNamingTheFile()
    {
        // Noise, so the compressed data spans the whole file and a cut removes rows.
        using var noise = new SKBitmap(32, 32, SKColorType.Rgba8888, SKAlphaType.Premul);
        var random = new Random(3);
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                noise.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }

        foreach (var (format, name, expected) in new[]
        {
            (SKEncodedImageFormat.Png, "0.png", "is a truncated PNG"),
            (SKEncodedImageFormat.Jpeg, "0.jpg", "is a truncated JPEG"),
        })
        {
            using var temp = new TempDirectory();
            using SKData data = noise.Encode(format, 90);
            byte[] whole = data.ToArray();
            string path = temp.Write($"clip/{name}", whole[..(whole.Length * 2 / 3)]);
            IDataView view = new MLContext().Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 32, FrameWidth = 32 });

            var error = Assert.ThrowsExactly<InvalidDataException>(() => CursorReading.ReadVectors(view, "Frames"));

            StringAssert.Contains(error.Message, $"'{path}' {expected}");
            File.WriteAllBytes(path, whole);
            Assert.HasCount(1, CursorReading.ReadVectors(view, "Frames"), $"the whole {format} file loads");
        }
    }

    [TestMethod]
    public void APngWhoseImageDataLacksRowsIsRefusedEvenWithItsEndChunk()
    {
        using var temp = new TempDirectory();
        // The IHDR of a 2x2 image declaring 2x3: the data is complete for two rows, the header asks for three.
        string path = temp.Write("clip/0.png", WithPngSize(EncodedPng(2, 2), 2, 3));
        IDataView view = new MLContext().Data.LoadFrameSequences(temp.Path, new FrameFolderOptions { FrameHeight = 2, FrameWidth = 2 });

        var error = Assert.ThrowsExactly<InvalidDataException>(() => CursorReading.ReadVectors(view, "Frames"));

        StringAssert.Contains(error.Message, $"'{path}' is a truncated PNG: its image data holds");
        StringAssert.Contains(error.Message, "2x3 header declares (rows are missing)");
    }

    [TestMethod]
    public void MutatedPngAndJpegFilesDecodeOrFailAsInvalidDataOnly()
    {
        using var temp = new TempDirectory();
        using var bitmap = Solid(16, 12, SKColors.Teal);
        bitmap.SetPixel(3, 4, SKColors.White);
        var random = new Random(5);
        foreach (SKEncodedImageFormat format in new[] { SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg })
        {
            using SKData data = bitmap.Encode(format, 90);
            byte[] original = data.ToArray();
            for (int trial = 0; trial < 150; trial++)
            {
                byte[] mutated = (byte[])original.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                string path = temp.Write($"{format}{trial}", random.Next(6) == 0 ? mutated[..random.Next(mutated.Length)] : mutated);
                try
                {
                    GrayscaleImageReader.Read(path, FrameFolderOptions.DefaultMaxImagePixels);
                }
                catch (InvalidDataException)
                {
                    // The only acceptable failure.
                }
            }
        }
    }

    private static byte[] EncodedPng(int width, int height)
    {
        using SKBitmap bitmap = Solid(width, height, SKColors.White);
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 95);
        return data.ToArray();
    }

    /// <summary>The PNG with its IHDR width and height replaced and the chunk's CRC recomputed, as a crafted file has.</summary>
    private static byte[] WithPngSize(byte[] png, uint width, uint height)
    {
        byte[] copy = (byte[])png.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    /// <summary>The CRC-32 PNG chunks carry (ISO 3309), over the chunk type and data.</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private static SKBitmap Solid(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        bitmap.Erase(color);
        return bitmap;
    }

    private static void WritePng(TempDirectory temp, string name, SKBitmap bitmap) => Write(temp, name, bitmap, SKEncodedImageFormat.Png);

    private static void WriteJpeg(TempDirectory temp, string name, SKBitmap bitmap) => Write(temp, name, bitmap, SKEncodedImageFormat.Jpeg);

    private static void Write(TempDirectory temp, string name, SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using (bitmap)
        using (SKData data = bitmap.Encode(format, 95))
        {
            temp.Write(name, data.ToArray());
        }
    }

    private static void AssertAll(ReadOnlySpan<float> values, float expected, string what, float tolerance = 1e-5f)
    {
        foreach (float value in values)
        {
            Assert.AreEqual(expected, value, tolerance, what);
        }
    }

    private sealed class ToleranceComparer(float tolerance) : System.Collections.IComparer
    {
        public int Compare(object? x, object? y) => Math.Abs((float)x! - (float)y!) <= tolerance ? 0 : 1;
    }
}
