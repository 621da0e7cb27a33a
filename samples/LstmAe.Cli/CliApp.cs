using System.CommandLine;
using LstmAe.Cli.Commands;

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
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"{CommandPath(parsed)}: {UsageProblem(parsed)} (see '{CommandPath(parsed)} --help')");
            return ExitCodes.Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            error.WriteLine($"{CommandPath(parsed)}: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException
                                      or InvalidOperationException or FormatException)
        {
            // Library exceptions already name the file, column or shape at fault; one line of them is the report.
            error.WriteLine($"{CommandPath(parsed)}: {FirstLine(e.Message)}");
            return ExitCodes.Failure;
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
            EvaluateCommand.Create(output),
            EncodeCommand.Create(output),
            RenderCommand.Create(output),
            ImportPyTorchCommand.Create(output),
            ExportPyTorchCommand.Create(output),
        };
        return root;
    }

    private static string CommandPath(ParseResult parsed) =>
        parsed.CommandResult.Command is RootCommand ? Name : $"{Name} {parsed.CommandResult.Command.Name}";

    /// <summary>The most telling parse error, on one line: an unknown word beats the complaints it causes.</summary>
    private static string UsageProblem(ParseResult parsed)
    {
        string message = parsed.UnmatchedTokens.Count > 0
            ? $"unknown argument '{parsed.UnmatchedTokens[0]}'."
            : parsed.Errors[0].Message;
        return string.Join(' ', message.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(part => part.Trim()));
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();
}
