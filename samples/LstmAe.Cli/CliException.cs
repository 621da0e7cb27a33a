namespace LstmAe.Cli;

/// <summary>A failure the user can act on: its message is printed as the command's one line of error.</summary>
/// <param name="message">What went wrong and, where it helps, what to do.</param>
/// <param name="exitCode">The process exit code; <see cref="ExitCodes.Failure"/> unless the command line was wrong.</param>
public sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    /// <summary>The process exit code to return.</summary>
    public int ExitCode { get; } = exitCode;
}
