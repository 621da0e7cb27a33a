using LstmAe.Cli;
using LstmAe.Tests.Shared;

namespace LstmAe.Samples.Tests.Cli;

/// <summary>Counts and sizes that are not whole numbers in range, and sizes that would make a model too large to
/// allocate, are one-line usage errors (they ended the process with a stack trace or a libtorch exception).</summary>
[TestClass]
public sealed class CliNumberOptionTests
{
    [TestMethod]
    public void CountsThatAreNotWholeNumbersAreUsageErrors()
    {
        using var folder = new TempDirectory();
        string model = folder.File("tiny.lstmae"), stateDict = folder.File("state.pt");
        File.WriteAllText(stateDict, "never read");

        CliResult.Run(["train", "--output", model, "--epochs", "abc"]).AssertFailed(ExitCodes.Usage, "--epochs must be a whole number, such as 10; got 'abc'.");
        CliResult.Run(["train", "--output", model, "--hidden", "5x"]).AssertFailed(ExitCodes.Usage, "--hidden must be a whole number, such as 10; got '5x'.");
        CliResult.Run(["train", "--output", model, "--batch-size", "1e3"]).AssertFailed(ExitCodes.Usage, "--batch-size must be a whole number, such as 10; got '1e3'.");
        CliResult.Run(["train", "--output", model, "--frame-height", "64.0"]).AssertFailed(ExitCodes.Usage, "--frame-height must be a whole number, such as 10; got '64.0'.");
        CliResult.Run(["train", "--output", model, "--epochs", "99999999999"]).AssertFailed(ExitCodes.Usage, "--epochs must be a whole number from 1 to 2147483647; got 99999999999.");
        CliResult.Run(["train", "--output", model, "--max-steps", "lots"]).AssertFailed(ExitCodes.Usage, "--max-steps must be a whole number, such as 10; got 'lots'.");
        CliResult.Run(["train", "--output", model, "--max-steps", "0"]).AssertFailed(ExitCodes.Usage, "--max-steps must be positive; got 0.");
        CliResult.Run(["train", "--output", model, "--checkpoint-every", "1.5"]).AssertFailed(ExitCodes.Usage, "--checkpoint-every must be a whole number");
        CliResult.Run(["evaluate", "--model", TinyModel.Save(folder.File("saved.lstmae")), "--batch-size", "abc"]).AssertFailed(ExitCodes.Usage, "--batch-size must be a whole number, such as 10; got 'abc'.");
        CliResult.Run(["import-pytorch", "--state-dict", stateDict, "--output", model, "--frame-height", "abc"])
            .AssertFailed(ExitCodes.Usage, "--frame-height must be a whole number, such as 10; got 'abc'.");
        Assert.IsFalse(File.Exists(model));
    }

    [TestMethod]
    public void FramesAndModelsTooLargeToAllocateAreUsageErrors()
    {
        using var folder = new TempDirectory();
        string model = folder.File("huge.lstmae"), stateDict = folder.File("state.pt");
        File.WriteAllText(stateDict, "never read");

        CliResult.Run(["train", "--output", model, "--hidden", "32", "--frame-height", "100000", "--frame-width", "100000"])
            .AssertFailed(ExitCodes.Usage, "--frame-height must be a whole number from 1 to 4096; got 100000.");
        CliResult.Run(["import-pytorch", "--state-dict", stateDict, "--output", model, "--frame-width", "4097"])
            .AssertFailed(ExitCodes.Usage, "--frame-width must be a whole number from 1 to 4096; got 4097.");
        // 4096 x 4096 frames are allowed, but 32 units over them make 7.5 billion weights (the check runs before
        // any sequence is generated or weight allocated).
        CliResult.Run(["train", "--output", model, "--hidden", "32", "--frame-height", "4096", "--frame-width", "4096", "--sequences", "1"])
            .AssertFailed(ExitCodes.Usage, "HiddenSize 32, Layers 1 and frames of 4096 x 4096 make a model of 7549760256 weights; at most 536870912");
        Assert.IsFalse(File.Exists(model));
    }
}
