using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

/// <summary>Options that make every weight NaN are refused up front; a run that diverges anyway stops, naming the step.</summary>
[TestClass]
public sealed class NonFiniteTrainingTests
{
    [TestMethod]
    [DataRow(double.PositiveInfinity)]
    [DataRow(double.NaN)]
    [DataRow(double.NegativeInfinity)]
    public void ANonFiniteLearningRateIsRefusedNamingTheOption(double learningRate)
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, LearningRate = learningRate }.Validate());

        StringAssert.Contains(error.Message, "LearningRate must be positive and finite");
    }

    [TestMethod]
    [DataRow(double.PositiveInfinity)]
    [DataRow(double.NaN)]
    public void ANonFiniteGradientClipNormIsRefusedNamingTheOption(double clip)
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new TrainingOptions { MaxSteps = 1, GradientClipNorm = clip }.Validate());

        StringAssert.Contains(error.Message, "GradientClipNorm must be positive and finite");
    }

    [TestMethod]
    public void ADivergingRunStopsNamingTheStepAndKeepsTheLastFiniteWeights()
    {
        var options = TinyModels.Options with { Dropout = 0 };
        using var model = LstmAutoEncoder.Create(options, seed: 1);
        var source = new InMemorySequenceSource(TinyModels.Sequences(options, 8), options.FullSequenceLength, shuffle: false);
        // SGD with a finite but absurd rate: the first step's update overflows the weights, the second step's loss is not finite.
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions
        {
            MaxSteps = 5, BatchSize = 4, LearningRate = 1e36, Optimizer = OptimizerAlgorithm.Sgd, Momentum = 0,
        });
        var steps = new List<TrainingProgress>();

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => trainer.Fit(source, progress: new SynchronousProgress(steps.Add)));

        int failed = steps.Count + 1;
        StringAssert.Contains(error.Message, $"Training diverged at step {failed} (epoch 0)");
        Assert.IsTrue(steps.All(s => double.IsFinite(s.Loss)), "Every reported loss is finite.");
        Assert.IsLessThan(5, failed);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
