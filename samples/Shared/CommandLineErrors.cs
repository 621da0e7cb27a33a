using System.CommandLine;

namespace LstmAe.Samples.Shared;

/// <summary>
/// How the sample apps end: a bad command line or a failed run is one line on stderr, named after the command, and
/// an exit code (<see cref="Usage"/> or <see cref="Failure"/>); only a bug shows a stack trace.
/// </summary>
internal static class CommandLineErrors
{
    /// <summary>The run started but failed: unreadable input, bad data, a file it may not overwrite.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;

    /// <summary>
    /// Exceptions that describe bad input rather than a bug. The libraries' messages already name the file, column,
    /// shape or setting at fault, so the message is the whole report.
    /// </summary>
    public static bool IsReportable(Exception exception) =>
        exception is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException or FormatException;

    /// <summary>Reports parse errors, or runs the parsed command and reports a reportable failure.</summary>
    /// <param name="parsed">The parsed command line.</param>
    /// <param name="command">The command's name as the user typed it, to start the error line.</param>
    /// <param name="output">Receives help and results.</param>
    /// <param name="error">Receives the one-line error, if any.</param>
    /// <returns>The action's exit code, <see cref="Usage"/> or <see cref="Failure"/>.</returns>
    public static int Invoke(ParseResult parsed, string command, TextWriter output, TextWriter error)
    {
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"{command}: {UsageProblem(parsed)} (see '{command} --help')");
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsReportable(e))
        {
            return Report(error, command, e.Message);
        }
    }

    /// <summary>Writes "<paramref name="command"/>: first line of <paramref name="message"/>".</summary>
    /// <returns><paramref name="exitCode"/>.</returns>
    public static int Report(TextWriter error, string command, string message, int exitCode = Failure)
    {
        error.WriteLine($"{command}: {message.Split('\n', 2)[0].TrimEnd()}");
        return exitCode;
    }

    /// <summary>The most telling parse error: an unknown word beats the complaints it causes.</summary>
    private static string UsageProblem(ParseResult parsed) =>
        parsed.UnmatchedTokens.Count > 0 ? $"unknown argument '{parsed.UnmatchedTokens[0]}'." : OneLine(parsed.Errors[0].Message);

    private static string OneLine(string message) =>
        string.Join(' ', message.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(part => part.Trim()));
}
