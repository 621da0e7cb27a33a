using System.Diagnostics;
using LstmAe.Data;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Benchmarks;

/// <summary>
/// Features per second of the ML.NET transformer, three ways over the same generated Moving MNIST rows, with the
/// CpuDefault model: iterating the cursor of <c>Transform</c> (batched), one row at a time through
/// <c>PredictionEngine</c>, and the raw batched <c>LstmAutoEncoder.Encode</c> on the same rows in memory, the
/// ceiling the transformer aims for. Rows are generated and cached before timing, so the figures compare encoding
/// paths, not data generation.
/// </summary>
public sealed class TransformBenchmarks : IBenchmarkSuite
{
    /// <inheritdoc/>
    public string Name => "transform";

    /// <inheritdoc/>
    public string Description => "Features/s through Transform, PredictionEngine and raw batched encode (CpuDefault)";

    /// <inheritdoc/>
    public void Run(BenchmarkSettings settings)
    {
        bool quick = settings.Quick;
        int rows = quick ? 128 : 1024, engineRows = quick ? 32 : 128;
        var ml = new MLContext(seed: 0);
        LstmAutoEncoderModelOptions preset = LstmAutoEncoderModelOptions.CpuDefault;
        IDataView data = ml.Data.Cache(ml.Data.LoadMovingMnist(new MovingMnistOptions { SequenceCount = rows }));
        var options = new LstmAutoEncoderOptions
        {
            Model = preset,
            Device = settings.Device,
            // Throughput does not depend on the weights: one step only makes the transformer.
            Training = new TrainingOptions { Epochs = null, MaxSteps = 1, BatchSize = 1 },
        };
        using LstmAutoEncoderTransformer transformer = ml.Transforms.LstmAutoEncode(options).Fit(data);
        // The raw path gets the input frames only, contiguous, which is the facade's fastest input.
        float[] sequences = FeatureThroughput.ReadFrames(data, rows, preset.FullSequenceLength, preset.InputSequenceLength);
        int batch = options.TransformBatchSize;

        double raw = BestOf.Rate(() => FeatureThroughput.RawEncode(transformer.Model, sequences, rows, batch));
        double transform = BestOf.Rate(() => FeatureThroughput.Cursor(transformer.Transform(data)));
        double engine = BestOf.Rate(() => FeatureThroughput.PredictionEngine(ml, transformer, data, engineRows));

        Console.WriteLine($"CpuDefault ({preset.Layers} x {preset.HiddenSize}, {preset.InputFrames} frames of " +
            $"{preset.FrameHeight}x{preset.FrameWidth}); batch {batch}; {rows} rows ({engineRows} for PredictionEngine); best of {BestOf.Runs}");
        Console.WriteLine($"{"path",-28} {"features/s",11} {"vs raw",7}");
        Console.WriteLine($"{"raw batched Encode (facade)",-28} {raw,11:F1} {1.0,7:F2}x");
        Console.WriteLine($"{"Transform cursor (batched)",-28} {transform,11:F1} {transform / raw,7:F2}x");
        Console.WriteLine($"{"PredictionEngine (per row)",-28} {engine,11:F1} {engine / raw,7:F2}x");
    }
}
