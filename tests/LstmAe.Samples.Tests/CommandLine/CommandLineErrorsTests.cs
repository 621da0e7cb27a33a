using System.CommandLine;
using LstmAe.Samples.Shared;

namespace LstmAe.Samples.Tests.CommandLine;

[TestClass]
public sealed class CommandLineErrorsTests
{
    [TestMethod]
    public void EveryKindOfBadInputIsOneLineAndExitCodeOne()
    {
        foreach (var failure in new Exception[]
        {
            new InvalidOperationException("The model is not trained.\n   at Somewhere()"),
            new InvalidDataException("'x.npy' is truncated at byte 128."),
            new ArgumentException("FrameHeight must be positive.", "FrameHeight"),
            new FileNotFoundException("'x.npy' does not exist."),
            new UnauthorizedAccessException("'out' is read-only."),
            new FormatException("Bad number."),
        })
        {
            var (code, output, error) = Run([], failure);

            Assert.AreEqual(CommandLineErrors.Failure, code, failure.GetType().Name);
            Assert.AreEqual("", output);
            string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(1, lines, error);
            Assert.AreEqual($"tool: {failure.Message.Split('\n')[0]}", lines[0].TrimEnd());
        }
    }

    [TestMethod]
    public void ABugIsNotHidden()
    {
        Assert.ThrowsExactly<KeyNotFoundException>(() => Run([], new KeyNotFoundException()));
    }

    [TestMethod]
    public void AnUnknownArgumentIsNamedWithExitCodeTwo()
    {
        var (code, _, error) = Run(["--fast"], new InvalidOperationException());

        Assert.AreEqual(CommandLineErrors.Usage, code);
        Assert.AreEqual("tool: unknown argument '--fast'. (see 'tool --help')", error.TrimEnd());
    }

    private static (int Code, string Output, string Error) Run(string[] args, Exception failure)
    {
        var root = new RootCommand("A command that fails.");
        int Fail(ParseResult _) => throw failure;
        root.SetAction(Fail);
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CommandLineErrors.Invoke(root.Parse(args), "tool", output, error);
        return (code, output.ToString(), error.ToString());
    }
}
