using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

/// <summary>
/// A fresh model starts drawing the data's mean pixel value (not PyTorch's 0.5); weights a user loaded, a resumed
/// run and a second Fit are never touched.
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
    public void FitStartsAFreshModelAtTheFirstMinibatchsMeanPixel()
    {
        var options = TinyModels.Options with { Objective = TrainingObjective.BinaryCrossEntropy };
        using var model = LstmAutoEncoder.Create(options, seed: 3);
        float[] sequences = TinyModels.Sequences(options, 4);
        double mean = sequences.Average(v => (double)v);

        // One step too small to move anything: what remains is the initialisation.
        Fit(model, sequences, initialize: true);

        double expected = Math.Log(mean / (1 - mean));
        foreach (string name in new[] { ReconstructionBias, PredictionBias })
            Assert.IsTrue(TinyModels.Weights(model)[name].All(b => Math.Abs(b - expected) < 1e-4), $"{name}: expected {expected}");
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
        double mean = sequences.Average(v => (double)v);
        Assert.IsTrue(TinyModels.Weights(created)[PredictionBias].All(b => Math.Abs(b - mean) < 1e-4), "the first Fit did not initialise");
        created.InitializeOutputBias(0.5);
        Fit(created, sequences, initialize: true);
        Assert.IsTrue(TinyModels.Weights(created)[PredictionBias].All(b => Math.Abs(b - 0.5) < 1e-4), "a second Fit initialised again");
    }

    [TestMethod]
    public void TheOptionTurnsItOff()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options, seed: 3);
        float[] before = TinyModels.Weights(model)[PredictionBias];

        Fit(model, TinyModels.Sequences(TinyModels.Options, 4), initialize: false);

        AssertClose(before, TinyModels.Weights(model)[PredictionBias], "biases moved without the option");
    }

    private static void AssertClose(float[] expected, float[] actual, string message) =>
        Assert.IsTrue(expected.Zip(actual).All(pair => Math.Abs(pair.First - pair.Second) < 1e-6), message);

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
