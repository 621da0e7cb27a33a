using System.Diagnostics;
using System.Runtime.InteropServices;
using LstmAe.Model;
using LstmAe.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Benchmarks;

/// <summary>
/// Training and encoding throughput of the model presets on the chosen device, with the FLOP rate they achieve and
/// the share of the step that the same matrix products take as bare GEMMs, measured at the model's own shapes in the
/// same run. FLOPs are counted analytically over the LSTM and Linear products that run (<see cref="ModelProducts"/>:
/// forward, and backward's weight gradients and the input gradients that are needed), not as three forward passes.
/// </summary>
public sealed class ModelBenchmarks : IBenchmarkSuite
{
    /// <summary>Hidden size of the narrow CpuDefault variant, whose rows show the cost of the default's width
    /// (docs/performance.md).</summary>
    private const int NarrowHiddenSize = 128;

    /// <summary>Sequences per inference chunk in <see cref="LstmAutoEncoder.Encode(ReadOnlySpan{float}, int, EncoderFeatures)"/>.</summary>
    private const int EncodeBatch = 64;

    /// <inheritdoc/>
    public string Name => "model";

    /// <inheritdoc/>
    public string Description => "Training and encoding throughput of the CpuDefault and Paper presets (fp32 and bf16 products) vs GEMM at their shapes";

    /// <inheritdoc/>
    public void Run(BenchmarkSettings settings)
    {
        bool quick = settings.Quick;
        var device = new Device(settings.Device);
        Console.WriteLine($"torch threads (get_num_threads): {torch.get_num_threads()}; device {settings.Device}");
        // Each step allocates and frees weight-sized tensors; unless the trainer keeps freed memory in the process,
        // glibc maps them afresh every step and the page faults show in these figures.
        Console.WriteLine($"training keeps freed native memory (TrainingOptions.RetainFreedNativeMemory): {new TrainingOptions().RetainFreedNativeMemory}");
        var gemm = new GemmReference(device, repetitions: quick ? 3 : 7);
        Console.WriteLine();

        BenchmarkCase[] cases = settings.OnCuda ? CudaCases(quick) : CpuCases(quick);
        Console.WriteLine($"{"preset",-16} {"products",-9} {"weights",9} {"batch",5} {"train seq/s",11} {"train GFLOP/s",13} {"GEMM GFLOP/s",12} {"train % GEMM",12} {"encode seq/s",12} {"encode GFLOP/s",14} {"encode % GEMM",13}");
        foreach (BenchmarkCase c in cases)
        {
            CudaLstmSettings.CudnnForFeedbackDecoders = c.CudnnFeedback;
            CudaLstmSettings.CudnnForBFloat16 = c.CudnnBFloat16;
            try
            {
                Console.WriteLine(Row(c, settings, gemm));
            }
            catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
            {
                // A GPU run is one prepared script: one case failing must not cost the others.
                Console.WriteLine($"{c.Name,-16} {c.Options.MatrixPrecision,-9} failed: {e.Message.Split('\n')[0]}");
            }
        }
        CudaLstmSettings.CudnnForFeedbackDecoders = false;
        CudaLstmSettings.CudnnForBFloat16 = false;
        Console.WriteLine($"Objective BCE, {LstmAutoEncoderModelOptions.CpuDefault.Conditioning} (CpuDefault) / " +
            $"{LstmAutoEncoderModelOptions.Paper.Conditioning} (Paper) decoders; training timed after a one-step warm-up run, Adam; " +
            $"encoding in chunks of {EncodeBatch}. GEMM GFLOP/s: the step's products as bare torch.matmul calls at their " +
            "own shapes (best of several each, this run); % GEMM: the time those take as a share of the measured step." +
            (settings.OnCuda ? " cudnn-fb: the conditional decoders on cuDNN, one call per step (CudaLstmSettings.CudnnForFeedbackDecoders); " +
                "cudnn with BFloat16: the LSTMs on cuDNN in bfloat16 (CudaLstmSettings.CudnnForBFloat16)." : ""));
    }

    /// <summary>One case's row: encoding, then training where the case has steps.</summary>
    private static string Row(BenchmarkCase c, BenchmarkSettings settings, GemmReference gemm)
    {
        using var model = LstmAutoEncoder.Create(c.Options, seed: 1, device: settings.Device);
        long weights = model.Module.parameters().Sum(p => p.numel());
        ScalarType productType = c.Options.MatrixPrecision == MatrixPrecision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;

        double encodeRate = MeasureEncoding(model, c.EncodeCount);
        int chunk = Math.Min(EncodeBatch, c.EncodeCount);
        IReadOnlyList<MatrixProduct> encoding = ModelProducts.Encoding(c.Options, chunk);
        double encodeFlops = ModelProducts.Flops(encoding) / chunk;
        // The share of the measured time that bare GEMMs of the same shapes would take.
        double encodeOfGemm = gemm.Seconds(encoding, productType) / chunk * encodeRate;

        string train = "-", trainGflops = "-", gemmGflops = "-", ofGemm = "-";
        if (c.TrainSteps > 0)
        {
            double rate = MeasureTraining(model, c.Batch, c.TrainSteps);
            IReadOnlyList<MatrixProduct> step = ModelProducts.Training(c.Options, c.Batch);
            double stepFlops = ModelProducts.Flops(step), gemmSeconds = gemm.Seconds(step, productType);
            double stepSeconds = c.Batch / rate;
            (train, trainGflops, gemmGflops, ofGemm) =
                ($"{rate:F2}", $"{stepFlops / stepSeconds / 1e9:F1}", $"{stepFlops / gemmSeconds / 1e9:F1}", $"{100 * gemmSeconds / stepSeconds:F0}%");
        }
        return $"{c.Name,-16} {c.Options.MatrixPrecision,-9} {weights / 1e6,8:F1}M {c.Batch,5} {train,11} {trainGflops,13} {gemmGflops,12} {ofGemm,12} " +
            $"{encodeRate,12:F1} {encodeRate * encodeFlops / 1e9,14:F1} {100 * encodeOfGemm,12:F0}%";
    }

    private static BenchmarkCase[] CpuCases(bool quick)
    {
        // The Paper preset (270M weights) is slow to train on a CPU (docs/performance.md): a quick run only times
        // its encoder. bf16 rows are only faster on CPUs with native bf16 (AVX512-BF16, AMX); the narrow
        // variant shows the cost of the default's width.
        var cpuDefault = LstmAutoEncoderModelOptions.CpuDefault;
        var narrow = cpuDefault with { HiddenSize = NarrowHiddenSize };
        return
        [
            new("CpuDefault", cpuDefault, Batch: quick ? 4 : 16, TrainSteps: quick ? 2 : 20, EncodeCount: quick ? 16 : 256),
            new("CpuDefault", BFloat16(cpuDefault), Batch: quick ? 4 : 16, TrainSteps: quick ? 2 : 20, EncodeCount: quick ? 16 : 256),
            new($"CpuDefault-{NarrowHiddenSize}", narrow, Batch: quick ? 4 : 16, TrainSteps: quick ? 2 : 40, EncodeCount: quick ? 16 : 512),
            new($"CpuDefault-{NarrowHiddenSize}", BFloat16(narrow), Batch: quick ? 4 : 16, TrainSteps: quick ? 2 : 40, EncodeCount: quick ? 16 : 512),
            new("Paper", LstmAutoEncoderModelOptions.Paper, Batch: 8, TrainSteps: quick ? 0 : 2, EncodeCount: quick ? 2 : 16),
        ];
    }

    /// <summary>The GPU cases: the Paper preset at batch 128 and the CpuDefault at 16 and 128, both precisions.</summary>
    private static BenchmarkCase[] CudaCases(bool quick)
    {
        var cpuDefault = LstmAutoEncoderModelOptions.CpuDefault;
        var paper = LstmAutoEncoderModelOptions.Paper;
        int steps = quick ? 3 : 30, encode = quick ? 128 : 2048;
        return
        [
            new("Paper", paper, Batch: 128, TrainSteps: steps, EncodeCount: encode),
            // The same with its conditional decoders on cuDNN, one call per step
            // (CudaLstmSettings.CudnnForFeedbackDecoders), to compare the two paths (docs/performance.md, "On a GPU").
            new("Paper cudnn-fb", paper, Batch: 128, TrainSteps: steps, EncodeCount: encode, CudnnFeedback: true),
            new("Paper", BFloat16(paper), Batch: 128, TrainSteps: steps, EncodeCount: encode),
            // bf16 with its encoder on cuDNN in bfloat16 (CudaLstmSettings.CudnnForBFloat16; the decoders feed back).
            new("Paper cudnn", BFloat16(paper), Batch: 128, TrainSteps: steps, EncodeCount: encode, CudnnBFloat16: true),
            new("CpuDefault", cpuDefault, Batch: 16, TrainSteps: steps, EncodeCount: encode),
            new("CpuDefault", cpuDefault, Batch: 128, TrainSteps: steps, EncodeCount: encode),
            new("CpuDefault", BFloat16(cpuDefault), Batch: 128, TrainSteps: steps, EncodeCount: encode),
            new("CpuDefault cudnn", BFloat16(cpuDefault), Batch: 128, TrainSteps: steps, EncodeCount: encode, CudnnBFloat16: true),
        ];
    }

    /// <summary>Sequences per second over <paramref name="steps"/> optimizer steps, after a warm-up run of one step.</summary>
    /// <remarks>The figure is the trainer's own (<see cref="TrainingProgress.SequencesPerSecond"/> of the last report):
    /// time in steps and loss readings, which on a GPU include the wait for the queued work at each reading (every
    /// step on the CPU, every <see cref="TrainingOptions.DefaultCudaReportEverySteps"/> on CUDA, and at the end).</remarks>
    private static double MeasureTraining(LstmAutoEncoder model, int batch, int steps)
    {
        float[] sequences = RandomSequences(model.Options, batch * (steps + 1));
        int length = model.Options.FullSequenceLength;
        var warmUp = new InMemorySequenceSource(sequences.AsSpan(0, batch * length).ToArray(), length);
        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = batch }).Fit(warmUp);
        var timed = new InMemorySequenceSource(sequences.AsSpan(batch * length).ToArray(), length);
        TrainingProgress? last = null;
        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = batch }).Fit(timed, progress: new ProgressHandler(p => last = p));
        return last!.SequencesPerSecond;
    }

    private static double MeasureEncoding(LstmAutoEncoder model, int count)
    {
        float[] sequences = RandomSequences(model.Options, count);
        model.Encode(sequences.AsSpan(0, model.Options.FullSequenceLength), 1);
        var clock = Stopwatch.StartNew();
        model.Encode(sequences, count);
        return count / clock.Elapsed.TotalSeconds;
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

    /// <summary>One row of the table.</summary>
    /// <param name="Name">The row's label.</param>
    /// <param name="Options">The model.</param>
    /// <param name="Batch">Sequences per training step.</param>
    /// <param name="TrainSteps">Timed training steps (0: encoding only).</param>
    /// <param name="EncodeCount">Sequences encoded for the encoding figure.</param>
    /// <param name="CudnnFeedback">Sets <see cref="CudaLstmSettings.CudnnForFeedbackDecoders"/> for this case.</param>
    /// <param name="CudnnBFloat16">Sets <see cref="CudaLstmSettings.CudnnForBFloat16"/> for this case.</param>
    private sealed record BenchmarkCase(
        string Name, LstmAutoEncoderModelOptions Options, int Batch, int TrainSteps, int EncodeCount,
        bool CudnnFeedback = false, bool CudnnBFloat16 = false);

    /// <summary>Runs the handler synchronously on the training thread.</summary>
    private sealed class ProgressHandler(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
