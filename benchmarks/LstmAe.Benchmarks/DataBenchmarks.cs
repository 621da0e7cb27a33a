using System.Diagnostics;
using LstmAe.Data;
using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace LstmAe.Benchmarks;

/// <summary>
/// Streams generated Moving MNIST rows through IDataView cursors and shows that memory stays flat: rows are
/// computed on demand and never cached, so 100,000 sequences (about 33 GB as floats) need no more memory than 1,000.
/// </summary>
public sealed class DataBenchmarks : IBenchmarkSuite
{
    private const int MiB = 1 << 20;

    /// <inheritdoc />
    public string Name => "data";

    /// <inheritdoc />
    public string Description => "Moving MNIST (20x64x64, 2 digits) through IDataView cursors (rows/s, peak memory at 1k, 10k, 100k rows), an npy file read back, and fresh clips for training";

    /// <inheritdoc />
    public void Run(BenchmarkSettings settings)
    {
        bool quick = settings.Quick;
        int[] checkpoints = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
        IDataView view = new MLContext(seed: 0).Data.LoadMovingMnist(new MovingMnistOptions { SequenceCount = checkpoints[^1] });
        _ = EmbeddedMnist.Digits; // Decode the embedded digits before timing.

        Console.WriteLine("One sequential cursor, Frames column (81,920 floats per row):");
        Console.WriteLine($"{"rows",10} {"seconds",9} {"rows/s",9} {"managed MiB",12} {"managed peak",13} {"process peak MiB",17}");
        ReadSequentially(view, checkpoints);

        IDataView parallelView = new MLContext(seed: 0).Data.LoadMovingMnist(new MovingMnistOptions { SequenceCount = checkpoints[1] });
        var stopwatch = Stopwatch.StartNew();
        DataViewRowCursor[] set = parallelView.GetRowCursorSet([parallelView.Schema["Frames"]], Environment.ProcessorCount);
        long rows = 0;
        Parallel.ForEach(set, cursor =>
        {
            using (cursor)
            {
                Interlocked.Add(ref rows, Drain(cursor));
            }
        });
        Console.WriteLine($"Cursor set of {set.Length} (parallel), {rows:N0} rows: {rows / stopwatch.Elapsed.TotalSeconds:N0} rows/s");

        Console.WriteLine();
        int npySequences = quick ? 256 : 2000;
        Console.WriteLine($"An npy file like mnist_test_seq.npy (uint8, time-major, {npySequences} sequences of 20 x 64 x 64), " +
            $"from the page cache, best of {BestOf.Runs}:");
        Console.WriteLine($"{"path",-52} {"sequences/s",12}");
        ReadNpy(npySequences);

        Console.WriteLine();
        Console.WriteLine($"Fresh clips for training (EndlessMovingMnist, FreshMovingMnistSource), best of {BestOf.Runs}:");
        Console.WriteLine($"{"path",-52} {"threads",7} {"sequences/s",12}");
        int clips = quick ? 512 : 4096;
        foreach (int threads in Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : [1])
        {
            Console.WriteLine($"{"EndlessMovingMnist.Generate, 64 clips per call",-52} {threads,7} {BestOf.Rate(() => RenderChunks(clips, threads)),12:N0}");
            Console.WriteLine($"{"FreshMovingMnistSource as a GPU trainer reads it",-52} {threads,7} {BestOf.Rate(() => ReadFresh(clips, threads)),12:N0}");
        }
    }

    /// <summary>
    /// Rows per second read from a uint8, time-major npy file laid out as <c>mnist_test_seq.npy</c> (frames, sequences,
    /// 64, 64), written to a temporary file from generated clips (so it sits in the page cache) and read back in
    /// order, through <see cref="NpySequenceFile"/> and through one ML.NET cursor of <c>LoadSequencesFromNpy</c>.
    /// </summary>
    private static void ReadNpy(int sequences)
    {
        const int Frames = 20, Side = 64;
        string path = Path.Combine(Path.GetTempPath(), $"lstmae-bench-{Environment.ProcessId}.npy");
        try
        {
            WriteTimeMajorNpy(path, sequences, Frames, Side);
            using (var file = NpySequenceFile.Open(path))
            {
                var sequence = new float[file.SequenceLength];
                double direct = BestOf.Rate(() =>
                {
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < file.SequenceCount; i++) file.ReadSequence(i, sequence);
                    return file.SequenceCount / clock.Elapsed.TotalSeconds;
                });
                Console.WriteLine($"{"NpySequenceFile.ReadSequence, in order",-52} {direct,12:N0}");
            }
            IDataView view = new MLContext(seed: 0).Data.LoadSequencesFromNpy(path);
            // The view holds the file open until disposed; the file is deleted below (which Windows refuses while open).
            using (view as IDisposable)
            {
                double cursor = BestOf.Rate(() =>
                {
                    var clock = Stopwatch.StartNew();
                    using DataViewRowCursor rows = view.GetRowCursor([view.Schema["Frames"]]);
                    return Drain(rows) / clock.Elapsed.TotalSeconds;
                });
                Console.WriteLine($"{"LoadSequencesFromNpy, one cursor",-52} {cursor,12:N0}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes <paramref name="sequences"/> generated clips as a uint8 (frames, sequences, side, side) npy file,
    /// numpy's format 1.0.</summary>
    private static void WriteTimeMajorNpy(string path, int sequences, int frames, int side)
    {
        var generator = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = sequences, FrameCount = frames });
        int frameSize = side * side;
        var pixels = new byte[(long)frames * sequences * frameSize];
        for (int n = 0; n < sequences; n++)
        {
            float[] clip = generator.Generate(n);
            for (int t = 0; t < frames; t++)
            {
                for (int i = 0; i < frameSize; i++)
                    pixels[(((long)t * sequences) + n) * frameSize + i] = (byte)MathF.Round(clip[(t * frameSize) + i] * 255f);
            }
        }
        string header = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({frames}, {sequences}, {side}, {side}), }}";
        int total = (10 + header.Length + 1 + 63) / 64 * 64;
        header = header.PadRight(total - 10 - 1) + "\n";
        using FileStream stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        stream.Write(pixels);
    }

    private static double RenderChunks(int clips, int threads)
    {
        const int Chunk = 64;
        var stream = new EndlessMovingMnist();
        var buffer = new float[Chunk * stream.SequenceLength];
        var clock = Stopwatch.StartNew();
        for (long first = 0; first < clips; first += Chunk) stream.Generate(first, Chunk, buffer, threads);
        return clips / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Clips per second as training on a GPU takes them for the Paper preset: its prefetch thread's work, less the
    /// page-locking. Clips are grouped into minibatches of 128, each checked (pixels in [0, 1] under cross-entropy)
    /// and copied once into host memory that is reused, as libtorch's page-locked allocator reuses its blocks.
    /// </summary>
    private static double ReadFresh(int clips, int threads)
    {
        const int Batch = 128;
        LstmAutoEncoderModelOptions paper = LstmAutoEncoderModelOptions.Paper;
        var source = new FreshMovingMnistSource(null, clips, threads);
        var reader = new MinibatchReader(source, paper, Batch, new Device("cpu"), "fresh clips");
        using Tensor host = empty(Batch, paper.FullSequenceLength / paper.FrameSize, paper.FrameSize);
        var clock = Stopwatch.StartNew();
        foreach (BufferedMinibatch minibatch in reader.Read(0))
        {
            using Tensor view = reader.CheckedView(minibatch);
            host.narrow(0, 0, minibatch.Count).copy_(view).Dispose();
        }
        return clips / clock.Elapsed.TotalSeconds;
    }

    private static void ReadSequentially(IDataView view, int[] checkpoints)
    {
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema["Frames"]]);
        ValueGetter<VBuffer<float>> frames = cursor.GetGetter<VBuffer<float>>(view.Schema["Frames"]);
        VBuffer<float> buffer = default;
        long managedPeak = 0;
        int next = 0;
        var stopwatch = Stopwatch.StartNew();
        for (int row = 1; cursor.MoveNext(); row++)
        {
            frames(ref buffer);
            if (row % 100 == 0)
            {
                managedPeak = Math.Max(managedPeak, GC.GetTotalMemory(forceFullCollection: false));
            }

            if (row == checkpoints[next])
            {
                double seconds = stopwatch.Elapsed.TotalSeconds;
                using var process = Process.GetCurrentProcess();
                Console.WriteLine($"{row,10:N0} {seconds,9:F2} {row / seconds,9:N0} {GC.GetTotalMemory(false) / (double)MiB,12:F1} " +
                    $"{managedPeak / (double)MiB,13:F1} {process.PeakWorkingSet64 / (double)MiB,17:F1}");
                if (++next == checkpoints.Length)
                {
                    break;
                }
            }
        }
    }

    private static long Drain(DataViewRowCursor cursor)
    {
        ValueGetter<VBuffer<float>> frames = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Frames"]);
        VBuffer<float> buffer = default;
        long rows = 0;
        while (cursor.MoveNext())
        {
            frames(ref buffer);
            rows++;
        }

        return rows;
    }
}
