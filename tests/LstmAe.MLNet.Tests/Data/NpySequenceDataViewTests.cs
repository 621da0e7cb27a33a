using System.IO.Compression;
using System.Text;
using LstmAe.Data;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests.Data;

[TestClass]
public sealed class NpySequenceDataViewTests
{
    private const int Sequences = 5, Frames = 3, Height = 4, Width = 6;

    [TestMethod]
    public void TimeMajorFileBecomesOneRowPerSequenceWithFramesInTimeOrder()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("seq.npy", TimeMajorNpy());

        IDataView view = new MLContext(seed: 1).Data.LoadSequencesFromNpy(path);
        var rows = CursorReading.ReadVectors(view, "Frames");

        Assert.AreEqual((long)Sequences, view.GetRowCount());
        int[] dimensions = [Frames, Height, Width];
        CollectionAssert.AreEqual(dimensions, ((VectorDataViewType)view.Schema["Frames"].Type).Dimensions.ToArray());
        for (int n = 0; n < Sequences; n++)
        {
            CollectionAssert.AreEqual(ExpectedSequence(n), rows[n].Values, $"sequence {n}");
        }

        ((IDisposable)view).Dispose();
    }

    [TestMethod]
    public void AFrameCountKeepsTheLeadingFramesInTheColumnsShape()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("seq.npy", TimeMajorNpy());

        IDataView view = new MLContext(seed: 1).Data.LoadSequencesFromNpy(path, new NpySequenceOptions { FrameCount = 2 });
        var rows = CursorReading.ReadVectors(view, "Frames");

        int[] dimensions = [2, Height, Width];
        CollectionAssert.AreEqual(dimensions, ((VectorDataViewType)view.Schema["Frames"].Type).Dimensions.ToArray());
        for (int n = 0; n < Sequences; n++)
            CollectionAssert.AreEqual(ExpectedSequence(n)[..(2 * Height * Width)], rows[n].Values, $"sequence {n}");
        ((IDisposable)view).Dispose();
    }

    [TestMethod]
    public void GzipFileTestSplitAndParallelShuffledCursorsAgreeWithThePlainFile()
    {
        using var temp = new TempDirectory();
        string gzipPath = temp.Write("seq.npy.gz", Gzip(TimeMajorNpy()));
        var mlContext = new MLContext(seed: 1);

        IDataView test = mlContext.Data.LoadSequencesFromNpy(gzipPath, new NpySequenceOptions { Split = DataSplit.Test, TrainSequenceCount = 2 });
        var rows = CursorReading.ReadVectorsInParallel(test, "Frames", cursorCount: 2, new Random(3));

        Assert.AreEqual(3L, test.GetRowCount());
        Assert.HasCount(3, rows);
        foreach ((ulong id, float[] values) in rows)
        {
            CollectionAssert.AreEqual(ExpectedSequence(2 + (int)id), values, $"row {id}");
        }

        ((IDisposable)test).Dispose();
    }

    [TestMethod]
    public void MalformedFileFailsWhenLoadedNotWhenRead()
    {
        using var temp = new TempDirectory();
        byte[] file = TimeMajorNpy();
        string path = temp.Write("short.npy", file[..^10]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadSequencesFromNpy(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "truncated");
    }

    // Sequence n, frame t, pixel p holds byte (n * 50 + t * 20 + p) % 256.
    private static float[] ExpectedSequence(int n) =>
        Enumerable.Range(0, Frames * Height * Width).Select(i => Value(n, i / (Height * Width), i % (Height * Width)) / 255f).ToArray();

    private static byte Value(int n, int t, int p) => (byte)((n * 50 + t * 20 + p) % 256);

    private static byte[] TimeMajorNpy()
    {
        string header = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({Frames}, {Sequences}, {Height}, {Width}), }}";
        header = header.PadRight(118 - 1) + "\n";
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0];
        var data = new List<byte>();
        for (int t = 0; t < Frames; t++)
        {
            for (int n = 0; n < Sequences; n++)
            {
                data.AddRange(Enumerable.Range(0, Height * Width).Select(p => Value(n, t, p)));
            }
        }

        return [.. prefix, .. Encoding.ASCII.GetBytes(header), .. data];
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }
}
