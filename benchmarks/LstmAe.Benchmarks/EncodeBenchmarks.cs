using LstmAe.Data;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;
using static TorchSharp.torch;

namespace LstmAe.Benchmarks;

/// <summary>
/// Feature extraction, the product's main inference path, at the batches and precisions that
/// <c>benchmarks/pytorch/encode.py</c> runs PyTorch's <c>nn.LSTM</c> at: the CpuDefault encoder through the raw
/// batched <c>Encode</c> and through ML.NET's <c>Transform</c> cursor, each against the time its products alone take
/// as bare GEMMs measured in the same run. Run both scripts back to back (alternating, on a shared machine) to
/// compare at equal batch.
/// </summary>
public sealed class EncodeBenchmarks : IBenchmarkSuite
{
    /// <inheritdoc/>
    public string Name => "encode";

    /// <inheritdoc/>
    public string Description => "Feature extraction (CpuDefault encoder) at batch 16 and 64, fp32 and bf16, raw and Transform";

    /// <inheritdoc/>
    public void Run(BenchmarkSettings settings)
    {
        int rows = settings.Quick ? 128 : 512;
        var ml = new MLContext(seed: 0);
        LstmAutoEncoderModelOptions preset = LstmAutoEncoderModelOptions.CpuDefault;
        IDataView data = ml.Data.Cache(ml.Data.LoadMovingMnist(new MovingMnistOptions { SequenceCount = rows }));
        float[] sequences = FeatureThroughput.ReadFrames(data, rows, preset.FullSequenceLength, preset.InputSequenceLength);
        var gemm = new GemmReference(new Device(settings.Device), settings.Quick ? 2 : 5);

        MatrixPrecision[] precisions = MatrixPrecisionSupport.NativeBFloat16 || settings.OnCuda
            ? [MatrixPrecision.Float32, MatrixPrecision.BFloat16]
            : [MatrixPrecision.Float32];
        Console.WriteLine($"CpuDefault encoder ({preset.Layers} x {preset.HiddenSize}, {preset.InputFrames} frames of " +
            $"{preset.FrameHeight}x{preset.FrameWidth}); {rows} rows; best of {BestOf.Runs}; device {settings.Device}");
        Console.WriteLine($"{"products",-9} {"batch",5} {"raw Encode/s",12} {"Transform/s",11} {"GEMM only/s",11} {"raw % GEMM",10}");
        foreach (MatrixPrecision precision in precisions)
        {
            foreach (int batch in new[] { 16, 64 })
            {
                var options = new LstmAutoEncoderOptions
                {
                    Model = preset with { MatrixPrecision = precision },
                    Device = settings.Device,
                    TransformBatchSize = batch,
                    // Throughput does not depend on the weights: one step only makes the transformer.
                    Training = new TrainingOptions { Epochs = null, MaxSteps = 1, BatchSize = 1 },
                };
                using LstmAutoEncoderTransformer transformer = ml.Transforms.LstmAutoEncode(options).Fit(data);
                double raw = BestOf.Rate(() => FeatureThroughput.RawEncode(transformer.Model, sequences, rows, batch));
                double transform = BestOf.Rate(() => FeatureThroughput.Cursor(transformer.Transform(data)));
                ScalarType productType = precision == MatrixPrecision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
                double gemmOnly = batch / gemm.Seconds(ModelProducts.Encoding(preset, batch), productType);
                Console.WriteLine($"{precision,-9} {batch,5} {raw,12:F1} {transform,11:F1} {gemmOnly,11:F1} {100 * raw / gemmOnly,9:F0}%");
            }
        }
        Console.WriteLine("Features: the top layer's h (raw) and the transformer's default column (Transform). PyTorch at the " +
            "same batches: OMP_WAIT_POLICY=PASSIVE python3 benchmarks/pytorch/encode.py");
    }
}
