using System.CommandLine;
using LstmAe.Cli.Commands;
using LstmAe.Samples.Shared;

namespace LstmAe.Cli;

/// <summary>
/// The <c>lstmae</c> command line: parses arguments, runs one subcommand and turns every failure into a single line
/// on the error writer and a non-zero exit code. Callable in-process, which is how the tests drive it.
/// </summary>
public static class CliApp
{
    /// <summary>The executable's name, as shown in help and errors.</summary>
    public const string Name = "lstmae";

    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments, without the executable name.</param>
    /// <param name="output">Receives results and help.</param>
    /// <param name="error">Receives the one-line error, if any.</param>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = CreateRootCommand(output);
        var parsed = root.Parse(args);
        try
        {
            return CommandLineErrors.Invoke(parsed, CommandPath(parsed), output, error);
        }
        catch (CliException e)
        {
            return CommandLineErrors.Report(error, CommandPath(parsed), e.Message, e.ExitCode);
        }
    }

    /// <summary>The command tree: one subcommand per task.</summary>
    /// <param name="output">Where commands write their results.</param>
    /// <returns>The root command.</returns>
    public static RootCommand CreateRootCommand(TextWriter output)
    {
        var root = new RootCommand("Train, evaluate and use composite LSTM autoencoders (Srivastava et al., 2015) on video sequences.")
        {
            TrainCommand.Create(output),
            PaperCommand.Create(output),
            EvaluateCommand.Create(output),
            EncodeCommand.Create(output),
            RenderCommand.Create(output),
            ImportPyTorchCommand.Create(output),
            ExportPyTorchCommand.Create(output),
            ExportOnnxCommand.Create(output),
        };
        return root;
    }

    private static string CommandPath(ParseResult parsed) =>
        parsed.CommandResult.Command is RootCommand ? Name : $"{Name} {parsed.CommandResult.Command.Name}";
}
