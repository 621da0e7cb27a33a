using LstmAe.Core.Tests.TestSupport;
using LstmAe.Data;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;

namespace LstmAe.Core.Tests;

/// <summary>The example of docs/design.md "Without ML.NET", compiled and run here with tiny sizes (the page must hold
/// the marked code verbatim, so the two cannot drift apart).</summary>
[TestClass]
public sealed class CoreExampleTests
{
    // docs core: begin
    static float[] TrainAndEncode(MovingMnistOptions data, LstmAutoEncoderModelOptions modelOptions, TrainingOptions training, string folder)
    {
        var clips = new MovingMnistSequences(data);
        var heldOut = new MovingMnistSequences(data with { Split = DataSplit.Test, SequenceCount = data.SequenceCount / 10 });
        using var model = LstmAutoEncoder.Create(modelOptions, seed: 0);
        // A checkpoint every 100 steps; run again after a stop and it resumes where it was, bit for bit.
        var trainer = new AutoEncoderTrainer(model, training with
        {
            CheckpointPath = Path.Combine(folder, "run.ckpt"),
            CheckpointEverySteps = 100,
            ResumeFromCheckpoint = true,
        });
        TrainingResult result = trainer.Fit(
            new SequenceCollectionSource(clips),
            new SequenceCollectionSource(heldOut, 0, heldOut.Count, heldOut.FrameCount, shuffle: false, seed: 0),
            new Reporter(p => Console.WriteLine($"step {p.Step}: {p.PredictionNatsPerFrame:F1} nats/frame")));
        Console.WriteLine($"{result.StopReason} after {result.Steps} steps");

        model.Save(Path.Combine(folder, "model.lstmae")); // LstmAutoEncoder.Load(path) reads it
        model.SavePyTorchStateDict(Path.Combine(folder, "model.pt")); // torch.load reads it
        var first = new float[heldOut.SequenceLength()];
        heldOut.ReadSequence(0, first);
        return model.Encode(first, count: 1, EncoderFeatures.LastLayerHiddenAndCell);
    }

    /// <summary>Progress on the training thread, as each step ends (System.Progress would post it elsewhere).</summary>
    sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
    // docs core: end

    // Compiled, not run (the CPU recipe on 2,000 clips of 64 x 64 takes minutes).
    static float[] DocsCall()
    {
        // docs core call: begin
        float[] features = TrainAndEncode(
            new MovingMnistOptions { DigitsPerSequence = 1, SequenceCount = 2_000 },
            LstmAutoEncoderModelOptions.CpuDefault,
            TrainingOptions.CpuDefault,
            Directory.CreateDirectory("lstmae-core").FullName);
        // docs core call: end
        return features;
    }

    [TestMethod]
    public void TheDesignPageHoldsThisExampleVerbatim()
    {
        string[] missing = DocExamples.RegionsMissingFrom("docs/design.md", $"tests/LstmAe.Core.Tests/{nameof(CoreExampleTests)}.cs",
            "docs core", "docs core call");
        Assert.IsEmpty(missing, $"docs/design.md does not hold the code marked so in {nameof(CoreExampleTests)}.cs");
        Assert.IsNotNull((Func<float[]>)DocsCall);
    }

    [TestMethod]
    public void TheExampleTrainsResumesSavesAndEncodes()
    {
        using var folder = new TempDirectory();
        var data = new MovingMnistOptions { DigitsPerSequence = 1, SequenceCount = 40, FrameCount = 4, FrameHeight = 32, FrameWidth = 32 };
        var model = LstmAutoEncoderModelOptions.CpuDefault with { InputFrames = 2, FutureFrames = 2, HiddenSize = 8, FrameHeight = 32, FrameWidth = 32 };
        var training = new TrainingOptions { Epochs = 1, BatchSize = 8 };

        float[] features = TrainAndEncode(data, model, training, folder.Path);
        // Again: the checkpoint says the run is complete, so it resumes at its end and the model is the same.
        float[] again = TrainAndEncode(data, model, training, folder.Path);

        Assert.HasCount(model.FeatureSize(EncoderFeatures.LastLayerHiddenAndCell), features);
        CollectionAssert.AreEqual(features, again);
        using var loaded = LstmAutoEncoder.Load(Path.Combine(folder.Path, "model.lstmae"));
        Assert.IsTrue(File.Exists(Path.Combine(folder.Path, "model.pt")));
    }
}
