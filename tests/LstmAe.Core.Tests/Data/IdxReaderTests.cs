using System.IO.Compression;
using LstmAe.Data;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.Data;

[TestClass]
public sealed class IdxReaderTests
{
    private static readonly int[] EmbeddedLabelCounts = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

    [TestMethod]
    public void EmbeddedMnistHoldsTenThousandRealDigitsWithTheKnownLabelCounts()
    {
        LabeledImageSet digits = EmbeddedMnist.Digits;

        Assert.AreEqual(EmbeddedMnist.Count, digits.Count);
        Assert.AreEqual(28, digits.Height);
        Assert.AreEqual(28, digits.Width);
        Assert.AreEqual(10, digits.ClassCount);
        int[] counts = new int[10];
        for (int i = 0; i < digits.Count; i++)
        {
            counts[digits.GetLabel(i)]++;
        }

        CollectionAssert.AreEqual(EmbeddedLabelCounts, counts);
        ReadOnlySpan<byte> first = digits.GetImage(0);
        Assert.AreEqual(28 * 28, first.Length);
        Assert.AreEqual((byte)0, first[0], "MNIST corners are background.");
        Assert.IsGreaterThan(200, (int)first.ToArray().Max(), "A digit has bright ink.");
    }

    [TestMethod]
    public void ReadImagesRawAndGzipFilesOfTheSameContentReadTheSame()
    {
        using var temp = new TempDirectory();
        string gzipPath = temp.Write("digits-idx3-ubyte.gz", EmbeddedResourceBytes("digits-idx3-ubyte.gz"));
        // Named like a gzip but raw: the reader goes by the magic bytes, not the extension.
        string rawPath = temp.Write("raw-but-named.gz", Decompress(File.ReadAllBytes(gzipPath)));
        string labelsPath = temp.Write("labels-idx1-ubyte", Decompress(EmbeddedResourceBytes("labels-idx1-ubyte.gz")));

        IdxImages fromGzip = IdxReader.ReadImages(gzipPath);
        IdxImages fromRaw = IdxReader.ReadImages(rawPath);
        LabeledImageSet set = LabeledImageSet.Load(rawPath, labelsPath);

        Assert.AreEqual(10_000, fromRaw.Count);
        CollectionAssert.AreEqual(fromGzip.Pixels, fromRaw.Pixels);
        CollectionAssert.AreEqual(EmbeddedMnist.Digits.GetImage(1234).ToArray(), set.GetImage(1234).ToArray());
        Assert.AreEqual(EmbeddedMnist.Digits.GetLabel(1234), set.GetLabel(1234));
    }

    [TestMethod]
    public void ReadImagesWrongMagicNamesTheFileAndTheMagicNumber()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("not-idx.bin", [0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "magic number 0x12340803 at offset 0, expected 0x00000803");
    }

    [TestMethod]
    public void ReadImagesLabelFileIsRejectedForItsDimensionCount()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels", [0, 0, 0x08, 0x01, 0, 0, 0, 2, 3, 4]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(error.Message, "has 1 dimensions (offset 3), expected 3");
    }

    [TestMethod]
    public void ReadLabelsNonByteElementsAreRejected()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("floats", [0, 0, 0x0D, 0x01, 0, 0, 0, 1, 0, 0, 0, 0]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadLabels(path));

        StringAssert.Contains(error.Message, "type 0x0D (offset 2)");
    }

    [TestMethod]
    public void ReadImagesTruncatedDataSaysHowMuchIsMissing()
    {
        using var temp = new TempDirectory();
        byte[] header = [0, 0, 0x08, 0x03, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3];
        string path = temp.Write("short", [.. header, 1, 2, 3, 4, 5]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "truncated: the header declares 18 bytes of data from offset 16, but only 5 follow");
    }

    [TestMethod]
    public void ReadLabelsCorruptGzipNamesTheFile()
    {
        using var temp = new TempDirectory();
        // A deflate block of the reserved type 3 (first byte 0x07): the decompressor rejects it.
        string path = temp.Write("labels.gz", [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0x07, 0, 0]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadLabels(path));

        StringAssert.Contains(error.Message, $"'{path}' is not a valid gzip stream");
    }

    [TestMethod]
    public void ReadImagesSizesBeyondOneArrayAreRejected()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("huge", [0, 0, 0x08, 0x03, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(path));

        StringAssert.Contains(error.Message, "more elements than one array can hold");
    }

    [TestMethod]
    public void LoadImageAndLabelCountsDisagreeThrows()
    {
        using var temp = new TempDirectory();
        string images = temp.Write("images", [0, 0, 0x08, 0x03, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 7, 9]);
        string labels = temp.Write("labels", [0, 0, 0x08, 0x01, 0, 0, 0, 3, 1, 2, 3]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => LabeledImageSet.Load(images, labels));

        StringAssert.Contains(error.Message, "holds 2 images");
        StringAssert.Contains(error.Message, "holds 3 labels");
    }

    [TestMethod]
    public void AnImageCountThatDisagreesWithTheLabelsIsRefusedFromTheHeader()
    {
        using var temp = new TempDirectory();
        // Declares 1,000,000 images of 1 x 1 and holds one: read first, it would be refused as truncated instead.
        string images = temp.Write("images", [0, 0, 0x08, 0x03, 0, 0x0F, 0x42, 0x40, 0, 0, 0, 1, 0, 0, 0, 1, 7]);
        string labels = temp.Write("labels", [0, 0, 0x08, 0x01, 0, 0, 0, 1, 4]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => LabeledImageSet.Load(images, labels));

        Assert.AreEqual($"'{images}' holds 1000000 images but '{labels}' holds 1 labels.", error.Message);
    }

    [TestMethod]
    public void ATinyRawLabelFileDeclaringHugeCountIsRefusedBeforeAllocating()
    {
        using var temp = new TempDirectory();
        // idx1-ubyte header declaring 2,000,000,000 labels, followed by 4 bytes.
        string path = temp.Write("huge-idx1-ubyte", [0, 0, 0x08, 0x01, 0x77, 0x35, 0x94, 0x00, 1, 2, 3, 4]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.IsLessThan(4L << 20, GC.GetAllocatedBytesForCurrentThread() - before);
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "declares 2000000000 bytes of data from offset 8, but only 4 follow");
    }

    [TestMethod]
    public void ATinyGzipLabelFileDeclaringHugeCountIsRefusedWithoutAHugeAllocation()
    {
        using var temp = new TempDirectory();
        var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write([0, 0, 0x08, 0x01, 0x77, 0x35, 0x94, 0x00, 1, 2, 3, 4]);
        }

        string path = temp.Write("huge-idx1-ubyte.gz", gzip.ToArray());

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.IsLessThan(4L << 20, GC.GetAllocatedBytesForCurrentThread() - before);
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "declares 2000000000 bytes of data from offset 8, but only 4 follow");
    }

    private static byte[] EmbeddedResourceBytes(string name)
    {
        using Stream stream = typeof(EmbeddedMnist).Assembly.GetManifestResourceStream($"LstmAe.Data.mnist-10k.{name}")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var output = new MemoryStream();
        using (var stream = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress))
        {
            stream.CopyTo(output);
        }

        return output.ToArray();
    }
}
