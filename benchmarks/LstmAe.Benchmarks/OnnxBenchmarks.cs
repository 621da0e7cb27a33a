using System.Diagnostics;
using LstmAe.Data;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Onnx;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LstmAe.Benchmarks;

/// <summary>
/// Features per second of the CpuDefault model (float32 products) scored through LstmAe on TorchSharp and through its
/// ONNX export on ONNX Runtime, over the same cached Moving MNIST rows: the ML.NET transformer's batched cursor against
/// <c>ApplyOnnxModel</c>'s cursor, one row at a time through <c>PredictionEngine</c> on both, and the raw batched
/// engines (<c>LstmAutoEncoder.Encode</c>, an ONNX Runtime session), each with its default threads.
/// </summary>
public sealed class OnnxBenchmarks : IBenchmarkSuite
{
    private const int Batch = 64;

    /// <inheritdoc/>
    public string Name => "onnx";

    /// <inheritdoc/>
    public string Description => "Features/s: LstmAutoEncode (TorchSharp) vs its ONNX export (ApplyOnnxModel, ORT)";

    /// <inheritdoc/>
    public void Run(BenchmarkSettings settings)
    {
        // ONNX Runtime's CPU package is the deployment path compared here, so both engines run on the CPU.
        bool quick = settings.Quick;
        if (settings.OnCuda)
        {
            Console.WriteLine("The onnx suite compares the CPU engines; --device is ignored.");
        }

        int rows = quick ? 64 : 512, engineRows = quick ? 16 : 128;
        var ml = new MLContext(seed: 0);
        LstmAutoEncoderModelOptions preset = LstmAutoEncoderModelOptions.CpuDefault with { MatrixPrecision = MatrixPrecision.Float32 };
        IDataView data = ml.Data.Cache(ml.Data.LoadMovingMnist(new MovingMnistOptions { SequenceCount = rows }));
        var options = new LstmAutoEncoderOptions
        {
            Model = preset,
            // Speed does not depend on the weights: one step only makes the transformer.
            Training = new TrainingOptions { Epochs = null, MaxSteps = 1, BatchSize = 1 },
        };
        using LstmAutoEncoderTransformer transformer = ml.Transforms.LstmAutoEncode(options).Fit(data);
        string onnxFile = Path.Combine(Path.GetTempPath(), $"lstmae-bench-{Guid.NewGuid():N}.onnx");
        try
        {
            // The data's rows hold the input and the future frames, as the column the transformer reads.
            transformer.Model.ExportOnnx(onnxFile, new OnnxExportOptions { InputIncludesFutureFrames = true });
            var onnx = ml.Transforms.ApplyOnnxModel("Features", "Frames", onnxFile).Fit(data);
            float[] sequences = FeatureThroughput.ReadFrames(data, rows, preset.FullSequenceLength, preset.FullSequenceLength);

            using var session = new InferenceSession(onnxFile);
            var (rawTorch, rawOnnx) = BestOfPairs(
                () => FeatureThroughput.RawEncode(transformer.Model, sequences, rows, Batch),
                () => RunSession(session, sequences, rows, preset.FullSequenceLength));
            var (torchCursor, onnxCursor) = BestOfPairs(
                () => FeatureThroughput.Cursor(transformer.Transform(data)),
                () => FeatureThroughput.Cursor(onnx.Transform(data)));
            var (torchEngine, onnxEngine) = BestOfPairs(
                () => FeatureThroughput.PredictionEngine(ml, transformer, data, engineRows),
                () => FeatureThroughput.PredictionEngine(ml, onnx, data, engineRows));

            Console.WriteLine($"CpuDefault, float32 ({preset.Layers} x {preset.HiddenSize}, {preset.InputFrames} frames of " +
                $"{preset.FrameHeight}x{preset.FrameWidth}); {rows} rows ({engineRows} for PredictionEngine); raw batches of {Batch}; best of {BestOf.Runs}, alternating");
            Console.WriteLine($"ONNX file: {new FileInfo(onnxFile).Length / 1e6:F1} MB, opset {OnnxExportOptions.OpsetVersion}");
            Console.WriteLine($"{"path",-40} {"TorchSharp",11} {"ONNX",11} {"ONNX/Torch",11}");
            Row("raw batched (Encode / InferenceSession)", rawTorch, rawOnnx);
            Row("ML.NET Transform cursor", torchCursor, onnxCursor);
            Row("ML.NET PredictionEngine (per row)", torchEngine, onnxEngine);
        }
        finally
        {
            File.Delete(onnxFile);
        }
    }

    private static void Row(string path, double torch, double onnx) =>
        Console.WriteLine($"{path,-40} {torch,11:F1} {onnx,11:F1} {onnx / torch,10:F2}x");

    /// <summary>The best of <see cref="BestOf.Runs"/> runs of each, alternating, so that both see the same load.</summary>
    private static (double Torch, double Onnx) BestOfPairs(Func<double> torch, Func<double> onnx)
    {
        double bestTorch = 0, bestOnnx = 0;
        for (int i = 0; i < BestOf.Runs; i++)
        {
            bestTorch = Math.Max(bestTorch, torch());
            bestOnnx = Math.Max(bestOnnx, onnx());
        }
        return (bestTorch, bestOnnx);
    }

    private static double RunSession(InferenceSession session, float[] sequences, int rows, int length)
    {
        var clock = Stopwatch.StartNew();
        for (int first = 0; first < rows; first += Batch)
        {
            int count = Math.Min(Batch, rows - first);
            var input = new DenseTensor<float>(sequences.AsMemory(first * length, count * length), [count, length]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("Frames", input)]);
        }
        return rows / clock.Elapsed.TotalSeconds;
    }
}
