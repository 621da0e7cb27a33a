using LstmAe.Cli;
using LstmAe.Tests.Shared;

namespace LstmAe.Samples.Tests.Cli;

/// <summary><c>--device</c> on train, paper, evaluate, encode and render: validated, and cuda without CUDA runs on the CPU with a
/// warning line.</summary>
[TestClass]
public sealed class CliDeviceTests
{
    private static readonly string[] TinyTraining =
    [
        "--sequences", "4", "--frames-per-sequence", "4", "--hidden", "8", "--input-frames", "2", "--future-frames", "2",
        "--batch-size", "2", "--validation-fraction", "0", "--max-steps", "1",
    ];

    [TestMethod]
    [DataRow("train")]
    [DataRow("evaluate")]
    [DataRow("encode")]
    [DataRow("render")]
    [DataRow("paper")]
    public void AnUnknownDeviceIsAUsageError(string command)
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));

        string[] arguments = command switch
        {
            "train" => ["--output", folder.File("new.lstmae")],
            "evaluate" => ["--model", model],
            "render" => ["--model", model, "--output", folder.File("pictures")],
            "paper" => [],
            _ => ["--model", model, "--output", folder.File("out.csv")],
        };

        CliResult.Run([command, .. arguments, "--device", "tpu:7"])
            .AssertFailed(ExitCodes.Usage, "--device must be cpu, cuda or cuda:N (such as cuda:1); got 'tpu:7'.");
    }

    [TestMethod]
    public void TrainOnCudaWithoutCudaTrainsOnTheCpuWithAWarning()
    {
        RequireNoCuda();
        using var folder = new TempDirectory();

        var run = CliResult.Run(["train", "--output", folder.File("tiny.lstmae"), "--device", "cuda", .. TinyTraining]);

        run.AssertSucceeded();
        StringAssert.Contains(run.Output, "warning: Device 'cuda' requested but CUDA is not available; training on the CPU.");
        Assert.IsTrue(File.Exists(folder.File("tiny.lstmae")));
    }

    [TestMethod]
    public void EvaluateAndEncodeOnCudaWithoutCudaRunOnTheCpuWithAWarning()
    {
        RequireNoCuda();
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));

        var evaluate = CliResult.Run(["evaluate", "--model", model, "--device", "cuda:1", .. TinyModel.DataArguments]);
        var encode = CliResult.Run(["encode", "--model", model, "--output", folder.File("f.csv"), "--device", "cuda:1", .. TinyModel.DataArguments]);

        evaluate.AssertSucceeded();
        encode.AssertSucceeded();
        const string Warning = "warning: Device 'cuda:1' requested but CUDA is not available; running the model on the CPU.";
        StringAssert.Contains(evaluate.Output, Warning);
        StringAssert.Contains(encode.Output, Warning);
    }

    [TestMethod]
    public void RenderAndPaperOnCudaWithoutCudaRunOnTheCpuWithAWarning()
    {
        RequireNoCuda();
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));

        var render = CliResult.Run(["render", "--model", model, "--output", folder.File("pictures"), "--device", "cuda", .. TinyModel.DataArguments]);
        var paper = CliResult.Run(["paper", "--device", "cuda", "--max-steps", "1", "--hidden", "8", "--layers", "1", "--input-frames", "2",
            "--future-frames", "2", "--batch-size", "2", "--test-sequences", "2"]);

        render.AssertSucceeded();
        paper.AssertSucceeded();
        StringAssert.Contains(render.Output, "warning: Device 'cuda' requested but CUDA is not available; running the model on the CPU.");
        StringAssert.Contains(paper.Output, "warning: Device 'cuda' requested but CUDA is not available; training on the CPU.");
    }

    [TestMethod]
    public void TheCpuDeviceGivesNoWarning()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));

        var run = CliResult.Run(["evaluate", "--model", model, "--device", "cpu", .. TinyModel.DataArguments]);

        run.AssertSucceeded();
        Assert.IsFalse(run.Output.Contains("warning", StringComparison.Ordinal), run.Output);
    }

    private static void RequireNoCuda()
    {
        if (TorchSharp.torch.cuda.is_available())
            Assert.Inconclusive("CUDA is available here; the fallback cannot happen.");
    }
}
