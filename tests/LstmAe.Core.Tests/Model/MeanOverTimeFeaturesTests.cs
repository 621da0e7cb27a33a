using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

/// <summary><see cref="EncoderFeatures.LastLayerHiddenMeanOverTime"/>: the top layer's h after each input frame, averaged.</summary>
[TestClass]
public sealed class MeanOverTimeFeaturesTests
{
    /// <summary>Against the float64 reference, which averages the top layer's h after each input frame, within the
    /// float32 rounding bound of the encoder's steps (not a tolerance one CPU happened to meet).</summary>
    [TestMethod]
    public void FeaturesAreTheMeanOfTheTopLayersHiddenStateAfterEachFrame()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options, seed: 4);
        const int Count = 70; // more than one inference chunk
        float[] sequences = TinyModels.Sequences(options, Count);

        float[] features = model.Encode(sequences, Count, EncoderFeatures.LastLayerHiddenMeanOverTime);

        Assert.HasCount(Count * options.HiddenSize, features);
        Assert.AreEqual(options.HiddenSize, options.FeatureSize(EncoderFeatures.LastLayerHiddenMeanOverTime));
        ReferenceOutput expected = new ReferenceAutoEncoder(model).Run(sequences, Count, training: false, decode: false);
        double tolerance = RoundingTolerance.Forward(expected.Scale, MatrixPrecision.Float32, options.InputFrames, options.Layers);
        TensorAssert.AreClose(expected.TopHiddenMean, features, tolerance, "mean over time of the top layer's h");
    }

    [TestMethod]
    public void TheSameFeaturesComeWithDecoderOutputs()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options, seed: 4);
        float[] sequences = TinyModels.Sequences(options, 5);
        float[] alone = model.Encode(sequences, 5, EncoderFeatures.LastLayerHiddenMeanOverTime);
        float[] withDecoders = new float[alone.Length];
        float[] prediction = new float[5 * options.FutureFrames * options.FrameSize];

        model.Infer(sequences, 5, new InferenceOutputs
        {
            Features = withDecoders,
            FeatureSet = EncoderFeatures.LastLayerHiddenMeanOverTime,
            Prediction = prediction,
        });

        CollectionAssert.AreEqual(alone, withDecoders);
        CollectionAssert.AreEqual(model.Predict(sequences, 5), prediction);
    }

    /// <summary>Appended last: the stored values of the older members must not move (saved ML.NET models hold them).</summary>
    [TestMethod]
    public void TheNewMemberIsAppendedAfterTheOthers()
    {
        Assert.AreEqual(3, (int)EncoderFeatures.AllLayersHiddenAndCell);
        Assert.AreEqual(4, (int)EncoderFeatures.LastLayerHiddenMeanOverTime);
    }
}
