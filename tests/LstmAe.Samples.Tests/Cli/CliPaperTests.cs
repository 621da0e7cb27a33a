using LstmAe.Cli;
using LstmAe.Model;
using LstmAe.Tests.Shared;

namespace LstmAe.Samples.Tests.Cli;

/// <summary><c>lstmae paper</c> at a budget of seconds and a tiny model, so the command that reproduces the paper's
/// figure on a GPU keeps working.</summary>
[TestClass]
public sealed class CliPaperTests
{
    [TestMethod]
    public void PaperTrainsOnFreshClipsAndPrintsTheHeldOutNatsPerFrame()
    {
        using var folder = new TempDirectory();
        string model = folder.File("paper.lstmae");

        var run = CliResult.Run(
            "paper", "--minutes", "0.5", "--max-steps", "2", "--hidden", "8", "--layers", "1", "--input-frames", "2",
            "--future-frames", "2", "--batch-size", "2", "--test-sequences", "3", "--progress-every", "1", "--output", model,
            "--cudnn-feedback");

        run.AssertSucceeded();
        // cuDNN is asked for, but on the CPU every LSTM runs on LstmAe's runner, and the line says so.
        StringAssert.Contains(run.Output, "Conditional decoders, Float32 products, on CPU");
        StringAssert.Contains(run.Output, "step      2");
        StringAssert.Contains(run.Output, "Trained 2 steps (4 clips, none repeated)");
        StringAssert.Contains(run.Output, "3 generated Moving MNIST sequences (Test digits");
        StringAssert.Matches(run.Output, new System.Text.RegularExpressions.Regex(@"Prediction: \d+\.\d nats per frame on held-out digits \(the paper: 341\.2\)"));
        using var stream = File.OpenRead(model);
        using var loaded = LstmAutoEncoder.Load(stream);
        Assert.AreEqual(DecoderConditioning.Conditional, loaded.Options.Conditioning, "the Paper preset, resized");
    }

    [TestMethod]
    public void PaperRefusesAnExistingOutputBeforeTrainingUnlessForced()
    {
        using var folder = new TempDirectory();
        string model = folder.File("paper.lstmae");
        File.WriteAllText(model, "the user's file");
        string[] tiny = ["paper", "--max-steps", "1", "--hidden", "4", "--layers", "1", "--input-frames", "2", "--future-frames", "2",
            "--batch-size", "2", "--test-sequences", "2", "--output", model];

        var refused = CliResult.Run(tiny);

        refused.AssertFailed(ExitCodes.Failure, $"'{model}' already exists; pass --force to overwrite it.");
        Assert.DoesNotContain("Training", refused.Output, "refused before training");
        Assert.AreEqual("the user's file", File.ReadAllText(model));
        CliResult.Run([.. tiny[..^1], folder.Path]).AssertFailed(ExitCodes.Usage, $"'{folder.Path}' is a folder");
        CliResult.Run([.. tiny, "--force"]).AssertSucceeded();
        // A missing folder is made before training, not found missing after it.
        CliResult.Run([.. tiny[..^1], folder.File("runs/paper.lstmae")]).AssertSucceeded();
        Assert.IsTrue(File.Exists(folder.File("runs/paper.lstmae")));
        using var stream = File.OpenRead(model);
        using var loaded = LstmAutoEncoder.Load(stream);
        Assert.AreEqual(4, loaded.Options.HiddenSize);
    }

    [TestMethod]
    public void PaperStopsAtItsTimeBudget()
    {
        var run = CliResult.Run(
            "paper", "--minutes", "0.002", "--hidden", "8", "--layers", "1", "--input-frames", "2", "--future-frames", "2",
            "--batch-size", "2", "--test-sequences", "2");

        run.AssertSucceeded();
        StringAssert.Contains(run.Output, "(Cancelled)");
        StringAssert.Contains(run.Output, "nats per frame");
    }
}
