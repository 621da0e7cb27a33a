using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Onnx;

namespace LstmAe.Core.Tests.Onnx;

/// <summary>
/// Exported models run in ONNX Runtime and held to LstmAe's float32 inference and to the float64 reference
/// (<see cref="ReferenceAutoEncoder"/>): ONNX Runtime's LSTM is a second engine, independent of libtorch, so each of
/// the two float32 results is held to the reference within the rounding bound (<see cref="RoundingTolerance"/>), and
/// to each other within twice it. The hidden sizes include 16, 33, 48 and 100, where libtorch 2.10's fused CPU LSTM
/// was wrong on an AMD Zen 5 CPU (docs/platform.md).
/// </summary>
[TestClass]
public sealed class OnnxExportParityTests
{
    private const int Batch = 3;

    private static LstmAutoEncoderModelOptions Small(int hidden, int layers, DecoderConditioning conditioning, TrainingObjective objective) => new()
    {
        FrameHeight = 8, FrameWidth = 8, InputFrames = 4, FutureFrames = 3,
        HiddenSize = hidden, Layers = layers, Dropout = 0, Conditioning = conditioning, Objective = objective,
    };

    [TestMethod]
    [DataRow(16, 1, DecoderConditioning.Conditional, TrainingObjective.BinaryCrossEntropy)]
    [DataRow(33, 1, DecoderConditioning.Unconditioned, TrainingObjective.BinaryCrossEntropy)]
    [DataRow(48, 1, DecoderConditioning.TeacherForced, TrainingObjective.MeanSquaredError)]
    [DataRow(100, 1, DecoderConditioning.Unconditioned, TrainingObjective.MeanSquaredError)]
    [DataRow(16, 2, DecoderConditioning.Unconditioned, TrainingObjective.BinaryCrossEntropy)]
    [DataRow(33, 2, DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError)]
    [DataRow(48, 2, DecoderConditioning.Conditional, TrainingObjective.BinaryCrossEntropy)]
    [DataRow(100, 2, DecoderConditioning.TeacherForced, TrainingObjective.BinaryCrossEntropy)]
    public void OnnxRuntimeReproducesFeaturesAndDecoders(int hidden, int layers, DecoderConditioning conditioning, TrainingObjective objective)
    {
        LstmAutoEncoderModelOptions options = Small(hidden, layers, conditioning, objective);
        float[] sequences = TinyModels.Sequences(options, Batch, seed: hidden + layers);
        float[] inputRows = InputRows(options, sequences);
        using var model = LstmAutoEncoder.Create(options, seed: 5);
        var reference = new ReferenceAutoEncoder(model);
        ReferenceOutput encoderOnly = reference.Run(sequences, Batch, training: false, decode: false);
        ReferenceOutput expected = reference.Run(sequences, Batch, training: false);
        double featureTolerance = RoundingTolerance.Forward(encoderOnly.Scale, MatrixPrecision.Float32, options.InputFrames, layers);
        int sequentialSteps = options.InputFrames + Math.Max(options.InputFrames, options.FutureFrames);
        double decoderTolerance = RoundingTolerance.Forward(expected.Scale, MatrixPrecision.Float32, sequentialSteps, layers);
        string what = $"{conditioning}, {objective}, hidden {hidden} x {layers}";

        foreach (EncoderFeatures features in Enum.GetValues<EncoderFeatures>())
        {
            var export = new OnnxExportOptions
            {
                Features = features,
                IncludeReconstruction = true,
                IncludePrediction = true,
                IncludeReconstructionError = true,
            };
            using var scorer = OnnxRuntimeScorer.Export(model, export);
            Dictionary<string, float[]> onnx = scorer.Run(export.InputName, inputRows, Batch);
            float[] torch = model.Encode(inputRows, Batch, features);
            string whatFeatures = $"{what}, {features}";
            TensorAssert.AreClose(ReferenceFeatures(expected, options, features), onnx["Features"], featureTolerance, $"{whatFeatures}: ONNX vs float64");
            TensorAssert.AreClose(torch, onnx["Features"], 2 * featureTolerance, $"{whatFeatures}: ONNX vs LstmAe float32");
            if (features != EncoderFeatures.LastLayerHidden)
                continue;

            // The decoders' pixels: the sigmoid's slope is at most 1/4, so a bound on the logits also bounds them.
            float[] reconstruction = model.Reconstruct(inputRows, Batch), prediction = model.Predict(inputRows, Batch);
            TensorAssert.AreClose(ReferencePixels(expected.ReversedReconstruction!, options, options.InputFrames, reverse: true), onnx["Reconstruction"], decoderTolerance, $"{what}: reconstruction, ONNX vs float64");
            TensorAssert.AreClose(ReferencePixels(expected.Prediction!, options, options.FutureFrames, reverse: false), onnx["Prediction"], decoderTolerance, $"{what}: prediction, ONNX vs float64");
            TensorAssert.AreClose(reconstruction, onnx["Reconstruction"], 2 * decoderTolerance, $"{what}: reconstruction, ONNX vs LstmAe");
            TensorAssert.AreClose(prediction, onnx["Prediction"], 2 * decoderTolerance, $"{what}: prediction, ONNX vs LstmAe");
            // A mean of squared differences of values in [0, 1] (or near it): within twice the pixels' bound.
            double errorScale = 2 * (1 + reconstruction.Max(Math.Abs));
            TensorAssert.AreClose(model.ReconstructionError(inputRows, Batch), onnx["ReconstructionError"], 2 * errorScale * decoderTolerance,
                $"{what}: reconstruction error, ONNX vs LstmAe");
        }
    }

    [TestMethod]
    public void InputRowsMayHoldTheFutureFramesToo()
    {
        LstmAutoEncoderModelOptions options = Small(16, 2, DecoderConditioning.Conditional, TrainingObjective.BinaryCrossEntropy);
        float[] sequences = TinyModels.Sequences(options, Batch);
        using var model = LstmAutoEncoder.Create(options, seed: 3);
        var export = new OnnxExportOptions { InputIncludesFutureFrames = true, Features = EncoderFeatures.AllLayersHidden, IncludePrediction = true };
        using var scorer = OnnxRuntimeScorer.Export(model, export);
        Assert.AreEqual(options.FullSequenceLength, scorer.InputMetadata["Frames"].Dimensions[1]);

        Dictionary<string, float[]> onnx = scorer.Run("Frames", sequences, Batch);
        var reference = new ReferenceAutoEncoder(model).Run(sequences, Batch, training: false);
        double tolerance = RoundingTolerance.Forward(reference.Scale, MatrixPrecision.Float32, options.InputFrames + options.FutureFrames, options.Layers);
        TensorAssert.AreClose(model.Encode(sequences, Batch, EncoderFeatures.AllLayersHidden), onnx["Features"], 2 * tolerance, "features");
        TensorAssert.AreClose(model.Predict(sequences, Batch), onnx["Prediction"], 2 * tolerance, "prediction");
    }

    [TestMethod]
    public void BatchIsDynamicAndRowsAreIndependent()
    {
        LstmAutoEncoderModelOptions options = Small(16, 1, DecoderConditioning.Unconditioned, TrainingObjective.BinaryCrossEntropy);
        float[] rows = InputRows(options, TinyModels.Sequences(options, 5));
        using var model = LstmAutoEncoder.Create(options, seed: 4);
        var export = new OnnxExportOptions();
        using var scorer = OnnxRuntimeScorer.Export(model, export);
        CollectionAssert.AreEqual(new[] { -1, options.InputSequenceLength }, scorer.InputMetadata["Frames"].Dimensions);
        CollectionAssert.AreEqual(new[] { -1, options.HiddenSize }, scorer.OutputMetadata["Features"].Dimensions);
        Assert.AreEqual("batch", scorer.InputMetadata["Frames"].SymbolicDimensions[0]);

        float[] all = scorer.Run("Frames", rows, 5)["Features"];
        for (int row = 0; row < 5; row++)
        {
            float[] one = scorer.Run("Frames", rows.AsSpan(row * options.InputSequenceLength, options.InputSequenceLength).ToArray(), 1)["Features"];
            CollectionAssert.AreEqual(all.AsSpan(row * options.HiddenSize, options.HiddenSize).ToArray(), one, $"row {row}");
        }
    }

    [TestMethod]
    public void BFloat16ModelsExportTheirFloat32Weights()
    {
        LstmAutoEncoderModelOptions options = Small(33, 1, DecoderConditioning.Unconditioned, TrainingObjective.BinaryCrossEntropy);
        float[] sequences = TinyModels.Sequences(options, Batch);
        float[] rows = InputRows(options, sequences);
        using var float32 = LstmAutoEncoder.Create(options, seed: 6);
        using var bfloat16 = LstmAutoEncoder.Create(options with { MatrixPrecision = MatrixPrecision.BFloat16 }, seed: 6);
        var reference = new ReferenceAutoEncoder(float32).Run(sequences, Batch, training: false, decode: false);
        double tolerance = RoundingTolerance.Forward(reference.Scale, MatrixPrecision.Float32, options.InputFrames, options.Layers);
        using var scorer = OnnxRuntimeScorer.Export(bfloat16, new OnnxExportOptions());
        TensorAssert.AreClose(float32.Encode(rows, Batch), scorer.Run("Frames", rows, Batch)["Features"], 2 * tolerance, "bf16 model exported");
    }

    /// <summary>The input frames of each full sequence, as Encode and the default export take them.</summary>
    private static float[] InputRows(LstmAutoEncoderModelOptions options, float[] sequences) =>
        Enumerable.Range(0, sequences.Length / options.FullSequenceLength)
            .SelectMany(b => sequences.AsSpan(b * options.FullSequenceLength, options.InputSequenceLength).ToArray())
            .ToArray();

    /// <summary>The reference's encoder state arranged as <paramref name="features"/> asks, row by row.</summary>
    private static double[] ReferenceFeatures(ReferenceOutput output, LstmAutoEncoderModelOptions options, EncoderFeatures features)
    {
        if (features == EncoderFeatures.LastLayerHiddenMeanOverTime)
            return output.TopHiddenMean;
        int hidden = options.HiddenSize, layers = options.Layers;
        int[] layerOrder = features is EncoderFeatures.LastLayerHidden or EncoderFeatures.LastLayerHiddenAndCell
            ? [layers - 1]
            : Enumerable.Range(0, layers).ToArray();
        bool withCell = features is EncoderFeatures.LastLayerHiddenAndCell or EncoderFeatures.AllLayersHiddenAndCell;
        var result = new List<double>();
        for (int b = 0; b < Batch; b++)
        {
            foreach (int l in layerOrder) result.AddRange(output.Hidden.AsSpan((l * Batch + b) * hidden, hidden).ToArray());
            if (withCell)
                foreach (int l in layerOrder) result.AddRange(output.Cell.AsSpan((l * Batch + b) * hidden, hidden).ToArray());
        }
        return result.ToArray();
    }

    /// <summary>Decoder outputs as pixel values (the sigmoid under cross-entropy), in natural time order.</summary>
    private static double[] ReferencePixels(double[] decoderOutput, LstmAutoEncoderModelOptions options, int steps, bool reverse)
    {
        int frameSize = options.FrameSize;
        bool sigmoid = options.Objective == TrainingObjective.BinaryCrossEntropy;
        var pixels = new double[decoderOutput.Length];
        for (int b = 0; b < decoderOutput.Length / (steps * frameSize); b++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int p = 0; p < frameSize; p++)
                {
                    double value = decoderOutput[(b * steps + (reverse ? steps - 1 - t : t)) * frameSize + p];
                    pixels[(b * steps + t) * frameSize + p] = sigmoid ? ReferenceLstm.Sigmoid(value) : value;
                }
            }
        }

        return pixels;
    }
}
