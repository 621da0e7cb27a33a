using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

/// <summary>The CUDA path's minibatch pipeline (read on a thread of its own, a few batches ahead) run on the CPU:
/// the same minibatches in the same order, so the same weights bit for bit, and errors at the same step.</summary>
[TestClass]
public sealed class MinibatchPrefetchTests
{
    [TestMethod]
    public void ServesCudaOnly()
    {
        Assert.IsTrue(MinibatchPrefetch.Serves(TorchSharp.DeviceType.CUDA));
        Assert.IsFalse(MinibatchPrefetch.Serves(TorchSharp.DeviceType.CPU));
    }

    [TestMethod]
    public void PrefetchedTrainingGivesBitIdenticalWeightsAndReports()
    {
        var training = new TrainingOptions { Epochs = 2, BatchSize = 3, Seed = 5 };
        (LstmAutoEncoder direct, List<TrainingProgress> directReports) = Train(training);
        (LstmAutoEncoder prefetched, List<TrainingProgress> prefetchedReports) = Train(training with { PrefetchMinibatches = true });
        using (direct)
        using (prefetched)
        {
            TinyModels.AssertBitIdentical(direct, prefetched);
            CollectionAssert.AreEqual(directReports.Select(p => p.Loss).ToArray(), prefetchedReports.Select(p => p.Loss).ToArray());
            Assert.HasCount(8, prefetchedReports, "4 steps per epoch of 11 sequences in batches of 3");
        }
    }

    [TestMethod]
    public void StoppingMidEpochEndsTheReadingThread()
    {
        (LstmAutoEncoder model, List<TrainingProgress> reports) = Train(new TrainingOptions { Epochs = null, MaxSteps = 2, BatchSize = 2, PrefetchMinibatches = true });
        using (model)
        {
            Assert.HasCount(2, reports);
        }
    }

    [TestMethod]
    public void ABadValueFailsAtItsMinibatchWithTheSameMessage()
    {
        float[] sequences = TinyModels.Sequences(TinyModels.Options, 6);
        sequences[(5 * TinyModels.Options.FullSequenceLength) + 3] = float.NaN;
        string Fail(bool prefetch, List<TrainingProgress> reports)
        {
            using var model = LstmAutoEncoder.Create(TinyModels.Options, seed: 1);
            var source = new InMemorySequenceSource(sequences, TinyModels.Options.FullSequenceLength, shuffle: false);
            var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 2, PrefetchMinibatches = prefetch });
            return Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(source, progress: new Collect(reports))).Message;
        }

        List<TrainingProgress> direct = [], prefetched = [];
        Assert.AreEqual(Fail(false, direct), Fail(true, prefetched));
        Assert.HasCount(2, prefetched, "the two batches before the bad one are trained");
        Assert.HasCount(direct.Count, prefetched);
    }

    private static (LstmAutoEncoder, List<TrainingProgress>) Train(TrainingOptions training)
    {
        var model = LstmAutoEncoder.Create(TinyModels.Options, seed: 2);
        var reports = new List<TrainingProgress>();
        new AutoEncoderTrainer(model, training).Fit(TinyModels.Source(TinyModels.Options, 11), progress: new Collect(reports));
        return (model, reports);
    }

    private sealed class Collect(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
