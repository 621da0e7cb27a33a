using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

/// <summary><see cref="LstmAutoEncoder.Infer(ReadOnlySpan{float}, int, InferenceOutputs)"/>: every output from one forward pass per chunk, the same bits as
/// the one-output methods, and clear errors for buffers it cannot fill.</summary>
[TestClass]
public sealed class LstmAutoEncoderInferTests
{
    [TestMethod]
    [DataRow(MatrixPrecision.Float32)]
    [DataRow(MatrixPrecision.BFloat16)] // the reconstruction error feeds float32 frames, features alone bfloat16 ones
    public void EveryOutputIsBitIdenticalToTheSeparateCalls(MatrixPrecision precision)
    {
        var options = TinyModels.Options with { Objective = TrainingObjective.BinaryCrossEntropy, MatrixPrecision = precision };
        using var model = LstmAutoEncoder.Create(options, seed: 3);
        const int Count = 70; // more than one inference chunk
        float[] sequences = TinyModels.Sequences(options, Count);
        const EncoderFeatures FeatureSet = EncoderFeatures.AllLayersHiddenAndCell;
        var features = new float[Count * options.FeatureSize(FeatureSet)];
        var reconstruction = new float[Count * options.InputSequenceLength];
        var prediction = new float[Count * options.FutureFrames * options.FrameSize];
        var error = new float[Count];

        model.Infer(sequences, Count, new InferenceOutputs
        {
            Features = features,
            FeatureSet = FeatureSet,
            Reconstruction = reconstruction,
            Prediction = prediction,
            ReconstructionError = error,
        });

        AssertBitIdentical(model.Encode(sequences, Count, FeatureSet), features, "features");
        AssertBitIdentical(model.Reconstruct(sequences, Count), reconstruction, "reconstruction");
        AssertBitIdentical(model.Predict(sequences, Count), prediction, "prediction");
        AssertBitIdentical(model.ReconstructionError(sequences, Count), error, "reconstruction error");
    }

    [TestMethod]
    public void WrongBufferLengthIsNamed()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        float[] sequences = TinyModels.Sequences(options, 2);

        var e = Assert.ThrowsExactly<ArgumentException>(() => model.Infer(sequences, 2, new InferenceOutputs
        {
            Features = new float[2 * options.HiddenSize],
            Prediction = new float[3],
        }));

        Assert.AreEqual(nameof(InferenceOutputs.Prediction), e.ParamName);
        StringAssert.Contains(e.Message, "got 3");
    }

    [TestMethod]
    public void AskingForNothingOrForAMissingDecoderFails()
    {
        var options = TinyModels.Options with { Mode = AutoEncoderMode.PredictionOnly };
        using var model = LstmAutoEncoder.Create(options);
        float[] sequences = TinyModels.Sequences(options, 1);

        Assert.ThrowsExactly<ArgumentException>(() => model.Infer(sequences, 1, new InferenceOutputs()));
        Assert.ThrowsExactly<InvalidOperationException>(() =>
            model.Infer(sequences, 1, new InferenceOutputs { ReconstructionError = new float[1] }));
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what) =>
        CollectionAssert.AreEqual(
            expected.Select(BitConverter.SingleToInt32Bits).ToArray(),
            actual.Select(BitConverter.SingleToInt32Bits).ToArray(), $"{what} differs");
}
