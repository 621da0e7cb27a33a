using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Training;

/// <summary>
/// The decoders on two threads give the weights of the single-threaded pass bit for bit, apply only where that
/// holds, and pass a failure on the other thread to the caller.
/// </summary>
[TestClass]
public sealed class ParallelDecoderPassTests
{
    /// <summary>One layer: no dropout between layers, so the pass applies.</summary>
    private static readonly LstmAutoEncoderModelOptions Eligible = TinyModels.Options with { Layers = 1 };

    [TestInitialize]
    public void RequireTwoCores()
    {
        if (Environment.ProcessorCount < 2) Assert.Inconclusive("One core: the pass does not apply.");
    }

    [TestMethod]
    [DataRow(DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError, MatrixPrecision.Float32, 1)]
    [DataRow(DecoderConditioning.Unconditioned, TrainingObjective.BinaryCrossEntropy, MatrixPrecision.BFloat16, 1)]
    [DataRow(DecoderConditioning.TeacherForced, TrainingObjective.BinaryCrossEntropy, MatrixPrecision.Float32, 1)]
    [DataRow(DecoderConditioning.Unconditioned, TrainingObjective.MeanSquaredError, MatrixPrecision.Float32, 2)]
    public void WeightsEqualTheSingleThreadedPassBitForBit(
        DecoderConditioning conditioning, TrainingObjective objective, MatrixPrecision precision, int layers)
    {
        var options = Eligible with
        {
            Conditioning = conditioning, Objective = objective, MatrixPrecision = precision, Layers = layers, Dropout = 0,
        };
        using var parallel = LstmAutoEncoder.Create(options, seed: 4);
        using var serial = LstmAutoEncoder.Create(options, seed: 4);
        var training = new TrainingOptions { Epochs = 2, BatchSize = 4, GradientClipNorm = 1 };
        var parallelReports = new List<TrainingProgress>();
        var serialReports = new List<TrainingProgress>();

        var parallelThreads = PredictionDecoderThreads(parallel, () => new AutoEncoderTrainer(parallel, training)
            .Fit(TinyModels.Source(options, 8), progress: new SynchronousProgress<TrainingProgress>(parallelReports.Add)));
        var serialThreads = PredictionDecoderThreads(serial, () => new AutoEncoderTrainer(serial, training with { ParallelDecoders = false })
            .Fit(TinyModels.Source(options, 8), progress: new SynchronousProgress<TrainingProgress>(serialReports.Add)));

        // The comparison is between the two passes: the prediction decoder ran on another thread in one run only.
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, parallelThreads);
        CollectionAssert.AreEqual(new[] { Environment.CurrentManagedThreadId }, serialThreads.ToArray());
        TinyModels.AssertBitIdentical(serial, parallel);
        CollectionAssert.AreEqual(serialReports.Select(r => r.Loss).ToArray(), parallelReports.Select(r => r.Loss).ToArray());
        CollectionAssert.AreEqual(serialReports.Select(r => r.GradientNorm).ToArray(), parallelReports.Select(r => r.GradientNorm).ToArray());
    }

    [TestMethod]
    public void AppliesOnlyToTwoDecodersWithoutDropoutMasksOnTheCpu()
    {
        Assert.IsTrue(Applies(Eligible));
        Assert.IsTrue(Applies(TinyModels.Options with { Layers = 2, Dropout = 0 }));
        Assert.IsFalse(Applies(TinyModels.Options with { Layers = 2, Dropout = 0.25 }), "dropout draws from the shared generator");
        Assert.IsFalse(Applies(Eligible with { Mode = AutoEncoderMode.ReconstructionOnly }));
        Assert.IsFalse(Applies(Eligible with { Mode = AutoEncoderMode.PredictionOnly }));
    }

    [TestMethod]
    public void AFailureOnTheOtherThreadReachesTheCallerAndThePassGoesOn()
    {
        using LstmAutoEncoder model = TrainingModel();
        using ParallelDecoderPass pass = ParallelDecoderPass.For(model)!;
        using var scope = NewDisposeScope();
        Minibatch batch = RandomBatch();

        // No future frames: the prediction decoder's loss, on the other thread, cannot be taken.
        var error = Assert.ThrowsExactly<ArgumentException>(
            () => pass.ForwardBackward(model.Module, batch with { Future = null }, Eligible.Objective));
        StringAssert.Contains(error.Message, "future frames");

        var terms = pass.ForwardBackward(model.Module, batch, Eligible.Objective);
        Assert.IsTrue(double.IsFinite(terms.Values().Loss));
    }

    [TestMethod]
    public void AFailureOnThisThreadWaitsForTheOtherThreadAndThePassGoesOn()
    {
        using LstmAutoEncoder model = TrainingModel();
        using ParallelDecoderPass pass = ParallelDecoderPass.For(model)!;
        using var scope = NewDisposeScope();
        Minibatch batch = RandomBatch();
        bool predictionFinished = false;
        var slowPrediction = model.Module.PredictionDecoder!.register_forward_pre_hook(_ => Thread.Sleep(200));
        var failingReconstruction = model.Module.ReconstructionDecoder!.register_forward_pre_hook(
            _ => throw new InvalidOperationException("reconstruction failed"));
        try
        {
            var error = Assert.ThrowsExactly<InvalidOperationException>(
                () => pass.ForwardBackward(model.Module, batch, Eligible.Objective));
            // The step ended only after the other thread's backward pass: its gradients are already there.
            predictionFinished = model.Module.PredictionDecoder.parameters().All(p => p.grad is not null);
            StringAssert.Contains(error.Message, "reconstruction failed");
        }
        finally
        {
            slowPrediction.remove();
            failingReconstruction.remove();
        }

        Assert.IsTrue(predictionFinished, "the pass returned while the other thread was still running");
        Assert.IsTrue(double.IsFinite(pass.ForwardBackward(model.Module, batch, Eligible.Objective).Values().Loss));
    }

    /// <summary>An eligible model in training mode.</summary>
    private static LstmAutoEncoder TrainingModel()
    {
        var model = LstmAutoEncoder.Create(Eligible, seed: 4);
        model.Module.train();
        return model;
    }

    /// <summary>Two random sequences with their future frames, in the current dispose scope.</summary>
    private static Minibatch RandomBatch() =>
        new(rand(2, Eligible.InputFrames, Eligible.FrameSize), rand(2, Eligible.FutureFrames, Eligible.FrameSize), 2);

    /// <summary>The threads the prediction decoder's forward pass ran on while <paramref name="train"/> ran.</summary>
    private static HashSet<int> PredictionDecoderThreads(LstmAutoEncoder model, Action train)
    {
        var threads = new HashSet<int>();
        var hook = model.Module.PredictionDecoder!.register_forward_pre_hook(_ =>
        {
            lock (threads) threads.Add(Environment.CurrentManagedThreadId);
        });
        try
        {
            train();
        }
        finally
        {
            hook.remove();
        }
        return threads;
    }

    private static bool Applies(LstmAutoEncoderModelOptions options)
    {
        using var model = LstmAutoEncoder.Create(options);
        using ParallelDecoderPass? pass = ParallelDecoderPass.For(model);
        return pass is not null;
    }
}
