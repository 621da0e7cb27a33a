using System.Diagnostics;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

/// <summary>
/// Whole training steps (loss, gradient norm or clipping, update) while another thread collects garbage: every
/// number passed to libtorch must stay alive for its native call. With TorchSharp's optimizers some runs of this
/// failed within hundreds of steps; the optimizers' own stress test, which steps far faster, fails every time.
/// </summary>
[TestClass]
public sealed class TrainingUnderGarbageCollectionTests
{
    private const int Steps = 300;

    /// <summary>Enough steps to make thousands of native calls under collection, whatever the machine's speed.</summary>
    private const int MinimumSteps = 40;

    /// <summary>
    /// Each step waits on back-to-back collections, so its time depends on the machine and on the test host's heap
    /// (seconds to minutes for 300 steps): a run stops after this long once it has made <see cref="MinimumSteps"/>,
    /// or at <see cref="Steps"/>.
    /// </summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(12);

    private static readonly LstmAutoEncoderModelOptions Model = TinyModels.Options with
    {
        FrameHeight = 8, FrameWidth = 8, InputFrames = 3, FutureFrames = 2, HiddenSize = 16, Layers = 1, Dropout = 0,
    };

    [TestMethod]
    [DataRow(OptimizerAlgorithm.Adam, null, MatrixPrecision.Float32)]
    [DataRow(OptimizerAlgorithm.Adam, null, MatrixPrecision.BFloat16)]
    [DataRow(OptimizerAlgorithm.RmsProp, null, MatrixPrecision.Float32)]
    [DataRow(OptimizerAlgorithm.Sgd, 1.0, MatrixPrecision.Float32)]
    public void TrainingSurvivesConcurrentCollections(OptimizerAlgorithm optimizer, double? clipNorm, MatrixPrecision precision)
    {
        using var model = LstmAutoEncoder.Create(Model with { MatrixPrecision = precision }, seed: 2);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions
        {
            Epochs = null, MaxSteps = Steps, BatchSize = 8, Optimizer = optimizer, LearningRate = 1e-3, GradientClipNorm = clipNorm,
        });

        TrainingResult result;
        using var budget = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Step >= MinimumSteps && clock.Elapsed >= Budget) budget.Cancel();
        });
        using (var stress = new GarbageCollectionStress())
        {
            result = trainer.Fit(TinyModels.Source(Model, 32), progress: progress, cancellationToken: budget.Token);
            Assert.IsGreaterThan(0L, stress.Collections);
        }

        Assert.IsGreaterThanOrEqualTo(MinimumSteps, result.Steps, $"stopped by {result.StopReason}");
        Assert.AreEqual(result.Steps == Steps ? TrainingStopReason.MaxStepsReached : TrainingStopReason.Cancelled, result.StopReason);
        Assert.IsTrue(double.IsFinite(result.LastProgress!.Loss), $"Loss {result.LastProgress.Loss}");
    }
}
