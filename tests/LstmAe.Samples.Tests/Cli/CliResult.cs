using LstmAe.Cli;

namespace LstmAe.Samples.Tests.Cli;

/// <summary>One in-process run of the command line, with what it printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public static CliResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public void AssertSucceeded()
    {
        Assert.AreEqual(ExitCodes.Success, ExitCode, $"stderr: {Error}\nstdout: {Output}");
        Assert.AreEqual("", Error);
    }

    /// <summary>Checks the run failed with the given code and exactly one line on stderr containing the text.</summary>
    public void AssertFailed(int exitCode, string expectedText)
    {
        Assert.AreEqual(exitCode, ExitCode, $"stderr: {Error}\nstdout: {Output}");
        string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, $"Expected one line on stderr, got: {Error}");
        StringAssert.Contains(lines[0], expectedText);
    }
}
