using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary><see cref="EncoderFeatures.LastLayerHiddenMeanOverTime"/>: the top layer's h after each input frame, averaged.</summary>
[TestClass]
public sealed class MeanOverTimeFeaturesTests
{
    /// <summary>The top layer's h after frame t is the final h of the encoder run on the first t frames, so the
    /// feature is the mean of those final states, computed here one prefix at a time.</summary>
    [TestMethod]
    public void FeaturesAreTheMeanOfTheTopLayersHiddenStateAfterEachFrame()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options, seed: 4);
        const int count = 70; // more than one inference chunk
        float[] sequences = TinyModels.Sequences(options, count);

        float[] features = model.Encode(sequences, count, EncoderFeatures.LastLayerHiddenMeanOverTime);

        Assert.HasCount(count * options.HiddenSize, features);
        Assert.AreEqual(options.HiddenSize, options.FeatureSize(EncoderFeatures.LastLayerHiddenMeanOverTime));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor input = tensor(sequences, [count, options.InputFrames + options.FutureFrames, options.FrameSize])
            .narrow(1, 0, options.InputFrames);
        Tensor sum = zeros(count, options.HiddenSize);
        for (int t = 1; t <= options.InputFrames; t++)
        {
            sum += model.Module.Encoder.call(input.narrow(1, 0, t).contiguous()).Hidden[-1];
        }
        float[] expected = (sum / options.InputFrames).data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i], features[i], 1e-5f, $"feature {i}");
        }
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
