using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

/// <summary>The CUDA path's loss handling on the CPU: with <see cref="TrainingOptions.ReportEverySteps"/> above 1 the
/// losses and gradient norms stay on the device, gradients are clipped there, and a report gives the means of its
/// steps. The weights and figures must match reading every step, up to float rounding.</summary>
[TestClass]
public sealed class DeferredReportTests
{
    [TestMethod]
    [DataRow(TrainingObjective.BinaryCrossEntropy)]
    [DataRow(TrainingObjective.MeanSquaredError)]
    public void ReportingEveryThreeStepsGivesTheMeansOfEveryStepsFigures(TrainingObjective objective)
    {
        var options = TinyModels.Options with { Objective = objective, Dropout = 0 };
        // Clipping at a norm the gradients exceed, so the device-side clipping is exercised.
        var training = new TrainingOptions { Epochs = 1, BatchSize = 2, LearningRate = 1e-2, GradientClipNorm = 0.05 };
        (List<TrainingProgress> everyStep, LstmAutoEncoder stepwise) = Train(options, training);
        (List<TrainingProgress> deferred, LstmAutoEncoder batched) = Train(options, training with { ReportEverySteps = 3 });
        using (stepwise)
        using (batched)
        {
            Assert.HasCount(7, everyStep);
            // Steps 3 and 6, then the last step when the epoch ends.
            CollectionAssert.AreEqual(new long[] { 3, 6, 7 }, deferred.Select(p => p.Step).ToArray());
            Assert.IsGreaterThan(0.05, everyStep.Max(p => p.GradientNorm), "the clipping must have acted");
            foreach ((TrainingProgress report, int first, int count) in new[] { (deferred[0], 0, 3), (deferred[1], 3, 3), (deferred[2], 6, 1) })
            {
                TrainingProgress[] steps = everyStep.Skip(first).Take(count).ToArray();
                AssertClose(steps.Average(p => p.Loss), report.Loss, $"loss to step {report.Step}");
                AssertClose(steps.Average(p => p.ReconstructionLoss!.Value), report.ReconstructionLoss!.Value, "reconstruction");
                AssertClose(steps.Average(p => p.PredictionNatsPerFrame!.Value), report.PredictionNatsPerFrame!.Value, "nats");
                AssertClose(steps[^1].GradientNorm, report.GradientNorm, "last gradient norm");
                Assert.AreEqual(steps[^1].LearningRate, report.LearningRate);
            }
            Dictionary<string, float[]> expected = TinyModels.Weights(stepwise), actual = TinyModels.Weights(batched);
            foreach ((string name, float[] values) in expected)
            {
                for (int i = 0; i < values.Length; i++)
                    Assert.AreEqual(values[i], actual[name][i], 1e-5 + (1e-4 * Math.Abs(values[i])), $"{name}[{i}]");
            }
        }
    }

    [TestMethod]
    public void NatsPerFrameAreLeftOutWhenATargetIsNotAPixelValue()
    {
        var options = TinyModels.Options with { Objective = TrainingObjective.MeanSquaredError };
        float[] sequences = TinyModels.Sequences(options, 4);
        sequences[5] = 3f;
        var source = new InMemorySequenceSource(sequences, options.FullSequenceLength, shuffle: false);
        using var model = LstmAutoEncoder.Create(options, seed: 2);
        var reports = new List<TrainingProgress>();
        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 2, ReportEverySteps = 2 })
            .Fit(source, progress: new Collect(reports));

        TrainingProgress report = reports.Single();
        Assert.IsNull(report.ReconstructionNatsPerFrame, "sequence 0's targets hold a 3");
        Assert.IsNotNull(report.PredictionNatsPerFrame, "its future frames are pixel values");
    }

    [TestMethod]
    public void ADivergedStepIsFoundAtTheNextReport()
    {
        var options = TinyModels.Options with { Objective = TrainingObjective.MeanSquaredError };
        float[] sequences = TinyModels.Sequences(options, 6);
        sequences[^1] = 1e30f; // the third step's loss overflows float32
        var source = new InMemorySequenceSource(sequences, options.FullSequenceLength, shuffle: false);
        using var model = LstmAutoEncoder.Create(options, seed: 2);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 2, ReportEverySteps = 5 });

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => trainer.Fit(source));
        StringAssert.Contains(error.Message, "Training diverged between steps 1 and 3");
        StringAssert.Contains(error.Message, "ReportEverySteps");
    }

    [TestMethod]
    public void TheIntervalMustBePositive() =>
        Assert.ThrowsExactly<ArgumentException>(() => new TrainingOptions { ReportEverySteps = 0 }.Validate());

    private static (List<TrainingProgress>, LstmAutoEncoder) Train(LstmAutoEncoderModelOptions options, TrainingOptions training)
    {
        var model = LstmAutoEncoder.Create(options, seed: 3);
        var reports = new List<TrainingProgress>();
        new AutoEncoderTrainer(model, training).Fit(TinyModels.Source(options, 14, shuffle: false), progress: new Collect(reports));
        return (reports, model);
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.AreEqual(expected, actual, 1e-5 + (1e-4 * Math.Abs(expected)), what);

    private sealed class Collect(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
