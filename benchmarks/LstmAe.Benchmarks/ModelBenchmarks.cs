using System.Diagnostics;
using LstmAe.Model;
using LstmAe.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Benchmarks;

/// <summary>
/// Training and encoding throughput of the model presets, with the FLOP rate they achieve next to this machine's
/// fp32 GEMM rate measured in the same run (and the bf16 rate, for the rows whose products run in bf16). FLOPs are counted analytically over the LSTM and Linear matrix
/// products (2 x M x N x K each); a training step counts as three forward passes (forward, and backward's two).
/// </summary>
public sealed class ModelBenchmarks : IBenchmarkSuite
{
    private const int GemmSize = 1024;

    /// <summary>Hidden size of the narrow CpuDefault variant (trains 3x faster, but can only draw blobs).</summary>
    private const int NarrowHiddenSize = 128;

    /// <inheritdoc/>
    public string Name => "model";

    /// <inheritdoc/>
    public string Description => "Training and encoding throughput of the CpuDefault and Paper presets (fp32 and bf16 products) vs fp32 GEMM";

    /// <inheritdoc/>
    public void Run(bool quick)
    {
        Console.WriteLine($"torch threads (get_num_threads): {torch.get_num_threads()}");
        // Each step allocates and frees weight-sized tensors; unless the trainer keeps freed memory in the process,
        // glibc maps them afresh every step and the page faults show in these figures.
        Console.WriteLine($"training keeps freed native memory (TrainingOptions.RetainFreedNativeMemory): {new TrainingOptions().RetainFreedNativeMemory}");
        double gemm = MeasureGemm(ScalarType.Float32, quick ? 5 : 30);
        Console.WriteLine($"fp32 GEMM {GemmSize}x{GemmSize}x{GemmSize} (torch.matmul): {gemm:F1} GFLOP/s");
        double bf16Gemm = MeasureGemm(ScalarType.BFloat16, quick ? 5 : 30);
        Console.WriteLine($"bf16 GEMM {GemmSize}x{GemmSize}x{GemmSize} (torch.matmul): {bf16Gemm:F1} GFLOP/s");
        Console.WriteLine();

        // The Paper preset (270M weights) takes tens of seconds per training step on two cores: a quick run only
        // times its encoder.
        // bf16 rows are only faster on CPUs with native bf16 (AVX512-BF16, AMX); the narrow variant shows the cost
        // of the default's width.
        var cpuDefault = LstmAutoEncoderModelOptions.CpuDefault;
        var narrow = cpuDefault with { HiddenSize = NarrowHiddenSize };
        var cases = new BenchmarkCase[]
        {
            new("CpuDefault", cpuDefault, Batch: quick ? 4 : 16, TrainSteps: quick ? 2 : 20, EncodeCount: quick ? 16 : 256),
            new("CpuDefault", BFloat16(cpuDefault), Batch: quick ? 4 : 16, TrainSteps: quick ? 2 : 20, EncodeCount: quick ? 16 : 256),
            new($"CpuDefault-{NarrowHiddenSize}", narrow, Batch: quick ? 4 : 16, TrainSteps: quick ? 2 : 40, EncodeCount: quick ? 16 : 512),
            new($"CpuDefault-{NarrowHiddenSize}", BFloat16(narrow), Batch: quick ? 4 : 16, TrainSteps: quick ? 2 : 40, EncodeCount: quick ? 16 : 512),
            new("Paper", LstmAutoEncoderModelOptions.Paper, Batch: 8, TrainSteps: quick ? 0 : 2, EncodeCount: quick ? 2 : 16),
        };
        Console.WriteLine($"{"preset",-14} {"products",-9} {"weights",9} {"batch",5} {"train seq/s",11} {"train GFLOP/s",13} {"encode seq/s",12} {"encode GFLOP/s",14} {"train % GEMM",12}");
        foreach (BenchmarkCase c in cases)
        {
            using var model = LstmAutoEncoder.Create(c.Options, seed: 1);
            long weights = model.Module.parameters().Sum(p => p.numel());
            double encodeRate = MeasureEncoding(model, c.EncodeCount);
            double encodeGflops = encodeRate * ForwardFlops(c.Options, encoderOnly: true) / 1e9;
            string train = "-", trainGflops = "-", ofGemm = "-";
            if (c.TrainSteps > 0)
            {
                double rate = MeasureTraining(model, c.Batch, c.TrainSteps);
                double gflops = rate * 3 * ForwardFlops(c.Options, encoderOnly: false) / 1e9;
                // Each row against the GEMM rate of its own product format.
                double peak = c.Options.MatrixPrecision == MatrixPrecision.BFloat16 ? bf16Gemm : gemm;
                (train, trainGflops, ofGemm) = ($"{rate:F2}", $"{gflops:F1}", $"{100 * gflops / peak:F0}%");
            }
            Console.WriteLine($"{c.Name,-14} {c.Options.MatrixPrecision,-9} {weights / 1e6,8:F1}M {c.Batch,5} {train,11} {trainGflops,13} {encodeRate,12:F1} {encodeGflops,14:F1} {ofGemm,12}");
        }
        Console.WriteLine($"Objective BCE, {LstmAutoEncoderModelOptions.CpuDefault.Conditioning} (CpuDefault) / " +
            $"{LstmAutoEncoderModelOptions.Paper.Conditioning} (Paper) decoders; training timed after one warm-up step, Adam.");
    }

    /// <summary>Sequences per second over <paramref name="steps"/> optimizer steps, after one warm-up step.</summary>
    private static double MeasureTraining(LstmAutoEncoder model, int batch, int steps)
    {
        var source = new InMemorySequenceSource(RandomSequences(model.Options, batch * (steps + 1)), model.Options.FullSequenceLength);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = batch });
        var clock = new Stopwatch();
        TimeSpan measured = TimeSpan.Zero;
        // The clock starts when the warm-up step reports and is read at each later report.
        trainer.Fit(source, progress: new ProgressHandler(p =>
        {
            if (p.Step == 1) clock.Restart();
            else measured = clock.Elapsed;
        }));
        return (double)batch * steps / measured.TotalSeconds;
    }

    private static double MeasureEncoding(LstmAutoEncoder model, int count)
    {
        float[] sequences = RandomSequences(model.Options, count);
        model.Encode(sequences.AsSpan(0, model.Options.FullSequenceLength), 1);
        var clock = Stopwatch.StartNew();
        model.Encode(sequences, count);
        return count / clock.Elapsed.TotalSeconds;
    }

    private static double MeasureGemm(ScalarType type, int repetitions)
    {
        using var scope = NewDisposeScope();
        Tensor a = rand(GemmSize, GemmSize).to(type), b = rand(GemmSize, GemmSize).to(type);
        matmul(a, b);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repetitions; i++) matmul(a, b).Dispose();
        return repetitions * 2.0 * GemmSize * GemmSize * GemmSize / clock.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary>Matrix-product FLOPs of one sequence's forward pass.</summary>
    private static double ForwardFlops(LstmAutoEncoderModelOptions o, bool encoderOnly)
    {
        // One step of a stacked LSTM: the four gates of each layer from its input and from its previous h.
        double lstmStep = 0;
        for (int layer = 0; layer < o.Layers; layer++)
        {
            int input = layer == 0 ? o.FrameSize : o.HiddenSize;
            lstmStep += 2.0 * 4 * o.HiddenSize * (input + o.HiddenSize);
        }
        double flops = o.InputFrames * lstmStep;
        if (encoderOnly) return flops;
        // An unconditioned decoder's first layer sees only zeros, and that product is skipped (StackedLstmRunner).
        double skippedInput = o.Conditioning == DecoderConditioning.Unconditioned ? 2.0 * 4 * o.HiddenSize * o.FrameSize : 0;
        double decoderStep = lstmStep - skippedInput + (2.0 * o.HiddenSize * o.FrameSize);
        if (o.HasReconstructionDecoder) flops += o.InputFrames * decoderStep;
        if (o.HasPredictionDecoder) flops += o.FutureFrames * decoderStep;
        return flops;
    }

    private static LstmAutoEncoderModelOptions BFloat16(LstmAutoEncoderModelOptions options) =>
        options with { MatrixPrecision = MatrixPrecision.BFloat16 };

    private static float[] RandomSequences(LstmAutoEncoderModelOptions options, int count)
    {
        var random = new Random(7);
        var values = new float[(long)count * options.FullSequenceLength];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle();
        return values;
    }

    private sealed record BenchmarkCase(string Name, LstmAutoEncoderModelOptions Options, int Batch, int TrainSteps, int EncodeCount);

    /// <summary>Runs the handler synchronously on the training thread.</summary>
    private sealed class ProgressHandler(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
