using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

/// <summary>
/// A fresh model starts drawing the data's mean frame (not PyTorch's 0.5 everywhere); weights a user loaded, a
/// resumed run and a second Fit are never touched.
/// </summary>
[TestClass]
public sealed class OutputBiasInitializationTests
{
    private const string ReconstructionBias = "reconstruct_decoder.fc.bias", PredictionBias = "predict_decoder.fc.bias";

    [TestMethod]
    [DataRow(TrainingObjective.BinaryCrossEntropy, 0.2, -1.3862943611198906)]
    [DataRow(TrainingObjective.MeanSquaredError, 0.2, 0.2)]
    public void InitializeOutputBiasSetsEveryDecoderBias(TrainingObjective objective, double mean, double expected)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options with { Objective = objective });

        model.InitializeOutputBias(mean);

        foreach (string name in new[] { ReconstructionBias, PredictionBias })
            Assert.IsTrue(TinyModels.Weights(model)[name].All(b => Math.Abs(b - expected) < 1e-6), name);
    }

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(1.0)]
    [DataRow(double.NaN)]
    public void CrossEntropyRejectsAMeanOutsideTheOpenUnitInterval(double mean)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options with { Objective = TrainingObjective.BinaryCrossEntropy });

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.InitializeOutputBias(mean));

        StringAssert.Contains(error.Message, "strictly between 0 and 1");
    }

    [TestMethod]
    public void InitializeOutputBiasTakesAMeanFramePixelByPixel()
    {
        var options = TinyModels.Options with { Objective = TrainingObjective.BinaryCrossEntropy };
        using var model = LstmAutoEncoder.Create(options);
        float[] meanFrame = Enumerable.Range(1, options.FrameSize).Select(i => i / (options.FrameSize + 1f)).ToArray();

        model.InitializeOutputBias(meanFrame);

        float[] expected = meanFrame.Select(m => (float)Math.Log(m / (1.0 - m))).ToArray();
        foreach (string name in new[] { ReconstructionBias, PredictionBias })
            AssertClose(expected, TinyModels.Weights(model)[name], name);
    }

    [TestMethod]
    public void AMeanFrameOfTheWrongSizeOrWithAnInvalidPixelIsRejectedByName()
    {
        var options = TinyModels.Options with { Objective = TrainingObjective.BinaryCrossEntropy };
        using var model = LstmAutoEncoder.Create(options);
        var frame = new float[options.FrameSize];
        Array.Fill(frame, 0.1f);

        var size = Assert.ThrowsExactly<ArgumentException>(() => model.InitializeOutputBias(new float[options.FrameSize + 1]));
        StringAssert.Contains(size.Message, $"= {options.FrameSize} values; got {options.FrameSize + 1}");
        frame[3] = 1f;
        var pixel = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.InitializeOutputBias(frame));
        Assert.AreEqual("meanFrame[3]", pixel.ParamName);
    }

    [TestMethod]
    [DataRow(TrainingObjective.BinaryCrossEntropy)]
    [DataRow(TrainingObjective.MeanSquaredError)]
    public void FitStartsAFreshModelAtTheFirstMinibatchsMeanFrame(TrainingObjective objective)
    {
        var options = TinyModels.Options with { Objective = objective };
        using var model = LstmAutoEncoder.Create(options, seed: 3);
        float[] sequences = TinyModels.Sequences(options, 4);

        // One step too small to move anything: what remains is the initialisation.
        Fit(model, sequences, initialize: true);

        float[] expected = ExpectedMeanFrame(sequences, options.FrameSize)
            .Select(m => objective == TrainingObjective.BinaryCrossEntropy ? (float)Math.Log(m / (1.0 - m)) : m).ToArray();
        foreach (string name in new[] { ReconstructionBias, PredictionBias })
            AssertClose(expected, TinyModels.Weights(model)[name], name, tolerance: 1e-4);
        Assert.IsGreaterThan(0.01f, expected.Max() - expected.Min(), "the test frames should differ pixel by pixel");
    }

    [TestMethod]
    public void FitLeavesLoadedWeightsAndSecondRunsAlone()
    {
        var options = TinyModels.Options; // MSE: the bias is the mean pixel value itself
        float[] sequences = TinyModels.Sequences(options, 4);
        using var created = LstmAutoEncoder.Create(options, seed: 3);
        using var buffer = new MemoryStream();
        created.Save(buffer);
        buffer.Position = 0;
        using var loaded = LstmAutoEncoder.Load(buffer);
        float[] before = TinyModels.Weights(loaded)[PredictionBias];

        Fit(loaded, sequences, initialize: true);
        AssertClose(before, TinyModels.Weights(loaded)[PredictionBias], "a loaded model's biases changed");

        Fit(created, sequences, initialize: true);
        AssertClose(ExpectedMeanFrame(sequences, options.FrameSize), TinyModels.Weights(created)[PredictionBias],
            "the first Fit did not initialise", tolerance: 1e-4);
        created.InitializeOutputBias(0.5);
        Fit(created, sequences, initialize: true);
        Assert.IsTrue(TinyModels.Weights(created)[PredictionBias].All(b => Math.Abs(b - 0.5) < 1e-4), "a second Fit initialised again");
    }

    [TestMethod]
    public void FitKeepsBiasesTheUserInitialised()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options, seed: 3); // MSE: the bias is the value itself
        model.InitializeOutputBias(0.3);

        Fit(model, TinyModels.Sequences(TinyModels.Options, 4), initialize: true);

        Assert.IsTrue(TinyModels.Weights(model)[PredictionBias].All(b => Math.Abs(b - 0.3) < 1e-4), "Fit replaced the user's biases");
    }

    [TestMethod]
    public void TheOptionTurnsItOff()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options, seed: 3);
        float[] before = TinyModels.Weights(model)[PredictionBias];

        Fit(model, TinyModels.Sequences(TinyModels.Options, 4), initialize: false);

        AssertClose(before, TinyModels.Weights(model)[PredictionBias], "biases moved without the option");
    }

    private static void AssertClose(float[] expected, float[] actual, string message, double tolerance = 1e-6)
    {
        Assert.HasCount(expected.Length, actual, message);
        Assert.IsTrue(expected.Zip(actual).All(pair => Math.Abs(pair.First - pair.Second) < tolerance), message);
    }

    /// <summary>
    /// What the trainer starts from: each pixel's mean over every frame of the (single, whole) first minibatch,
    /// pulled towards the overall mean with the weight of 16 frames, then kept inside [1e-4, 1 - 1e-4].
    /// </summary>
    private static float[] ExpectedMeanFrame(float[] sequences, int frameSize)
    {
        const int PriorFrames = 16;
        int frames = sequences.Length / frameSize;
        double overall = sequences.Average(v => (double)v);
        return Enumerable.Range(0, frameSize).Select(pixel =>
        {
            double sum = Enumerable.Range(0, frames).Sum(frame => (double)sequences[(frame * frameSize) + pixel]);
            return (float)Math.Clamp((sum + (PriorFrames * overall)) / (frames + PriorFrames), 1e-4, 1 - 1e-4);
        }).ToArray();
    }

    private static void Fit(LstmAutoEncoder model, float[] sequences, bool initialize)
    {
        var source = new InMemorySequenceSource(sequences, model.Options.FullSequenceLength, shuffle: false);
        new AutoEncoderTrainer(model, new TrainingOptions
        {
            MaxSteps = 1, BatchSize = 4, Optimizer = OptimizerAlgorithm.Sgd, Momentum = 0, LearningRate = 1e-9,
            InitializeOutputBiasFromData = initialize,
        }).Fit(source);
    }
}
