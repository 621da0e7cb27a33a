using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Model;

[TestClass]
public sealed class LstmAutoEncoderInferenceTests
{
    /// <summary>The weights come from the seed alone, whatever torch's process-wide generator holds (Create no longer
    /// puts its state back: libtorch sets a state without the generator's lock, a race with other threads' draws).</summary>
    [TestMethod]
    public void SameSeedGivesSameWeightsWhateverTheGlobalGeneratorHolds()
    {
        TorchSharp.torch.manual_seed(42);
        using var a = LstmAutoEncoder.Create(TinyModels.Options, seed: 5);
        TorchSharp.torch.manual_seed(7);
        TorchSharp.torch.rand(100).Dispose();
        using var b = LstmAutoEncoder.Create(TinyModels.Options, seed: 5);
        using var c = LstmAutoEncoder.Create(TinyModels.Options, seed: 6);

        TinyModels.AssertBitIdentical(a, b);
        CollectionAssert.AreNotEqual(TinyModels.Weights(a)["encoder.lstm.weight_ih_l0"], TinyModels.Weights(c)["encoder.lstm.weight_ih_l0"]);
    }

    [TestMethod]
    public void ModelsRestInEvalModeSoParallelInferenceNeverSeesDropout()
    {
        // Dropout is on (two layers, 0.25): a model left in training mode would give different features per call.
        using var model = LstmAutoEncoder.Create(TinyModels.Options, seed: 2);
        Assert.IsFalse(model.Module.training, "a new model rests in eval mode");
        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 4 }).Fit(TinyModels.Source(TinyModels.Options, 8));
        Assert.IsFalse(model.Module.training, "training restores eval mode");

        float[] sequences = TinyModels.Sequences(TinyModels.Options, 16);
        float[] expected = model.Encode(sequences, 16);
        float[][] parallel = Enumerable.Range(0, 8).AsParallel().Select(_ => model.Encode(sequences, 16)).ToArray();
        foreach (float[] features in parallel)
            CollectionAssert.AreEqual(expected, features);
    }

    [TestMethod]
    public void OutputsHaveTheDocumentedSizes()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        float[] sequences = TinyModels.Sequences(options, 5);

        Assert.HasCount(5 * options.FeatureSize(EncoderFeatures.AllLayersHiddenAndCell), model.Encode(sequences, 5, EncoderFeatures.AllLayersHiddenAndCell));
        Assert.HasCount(5 * options.InputFrames * options.FrameSize, model.Reconstruct(sequences, 5));
        Assert.HasCount(5 * options.FutureFrames * options.FrameSize, model.Predict(sequences, 5));
        float[] errors = model.ReconstructionError(sequences, 5);
        Assert.HasCount(5, errors);
        Assert.IsTrue(errors.All(e => e > 0 && float.IsFinite(e)));
    }

    [TestMethod]
    public void InputsLargerThanOneChunkGiveTheSameRowsAsSingleSequences()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        const int Count = 70; // more than the 64 sequences of one inference chunk
        float[] sequences = TinyModels.Sequences(options, Count);
        int row = options.FullSequenceLength, frames = options.InputSequenceLength;

        float[] all = model.Reconstruct(sequences, Count);
        float[] scores = model.ReconstructionError(sequences, Count);

        foreach (int i in new[] { 0, 63, 64, 69 })
        {
            ReadOnlySpan<float> one = sequences.AsSpan(i * row, row);
            TensorAssert.AreClose(model.Reconstruct(one, 1), all.AsSpan(i * frames, frames), 1e-6, $"sequence {i}");
            Assert.AreEqual(model.ReconstructionError(one, 1)[0], scores[i], 1e-6, $"score of sequence {i}");
            double meanSquaredError = Enumerable.Range(0, frames).Average(p => Math.Pow(all[(i * frames) + p] - sequences[(i * row) + p], 2));
            Assert.AreEqual(meanSquaredError, scores[i], 1e-6, $"score of sequence {i} is the per-pixel MSE");
        }
    }

    [TestMethod]
    public void EncodeFeatureSetsAreSlicesOfTheFullState()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        float[] sequences = TinyModels.Sequences(options, 2);
        int hidden = options.HiddenSize;

        float[] all = model.Encode(sequences, 2, EncoderFeatures.AllLayersHiddenAndCell);
        float[] top = model.Encode(sequences, 2, EncoderFeatures.LastLayerHidden);

        // Second sequence: [h layer 0, h layer 1, c layer 0, c layer 1]; top-layer h is the second block.
        CollectionAssert.AreEqual(all.AsSpan(4 * hidden + hidden, hidden).ToArray(), top.AsSpan(hidden, hidden).ToArray());
    }

    [TestMethod]
    public void WrongLengthNamesExpectedAndActualSizes()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        float[] tooShort = new float[(2 * TinyModels.Options.InputSequenceLength) - 1];

        var error = Assert.ThrowsExactly<ArgumentException>(() => model.Reconstruct(tooShort, 2));

        StringAssert.Contains(error.Message, $"({2 * TinyModels.Options.InputSequenceLength} floats)");
        StringAssert.Contains(error.Message, $"got {tooShort.Length} floats");
        Assert.AreEqual("sequences", error.ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => model.Encode(new float[TinyModels.Options.InputSequenceLength], 1, EncoderFeatures.LastLayerHidden, new float[3]));
    }

    [TestMethod]
    public void NaNInputIsRejectedWithItsPosition()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        float[] sequences = TinyModels.Sequences(options, 3);
        sequences[options.FullSequenceLength + options.FrameSize + 2] = float.NaN;

        var error = Assert.ThrowsExactly<ArgumentException>(() => model.Predict(sequences, 3));

        StringAssert.Contains(error.Message, "Sequence 1, frame 1, pixel 2 is NaN");
    }

    [TestMethod]
    public void MissingDecoderIsAnInvalidOperation()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options with { Mode = AutoEncoderMode.ReconstructionOnly });
        float[] sequences = TinyModels.Sequences(TinyModels.Options, 1);

        Assert.ThrowsExactly<InvalidOperationException>(() => model.Predict(sequences, 1));
        Assert.IsFalse(model.Module.state_dict().Keys.Any(k => k.StartsWith("predict_decoder", StringComparison.Ordinal)));
    }
}
