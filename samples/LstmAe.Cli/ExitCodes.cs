using LstmAe.Samples.Shared;

namespace LstmAe.Cli;

/// <summary>What the process exit code says.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command started but failed: unreadable input, a file it may not overwrite, bad data.</summary>
    public const int Failure = CommandLineErrors.Failure;

    /// <summary>The command line itself was wrong: unknown option, missing or out-of-range value.</summary>
    public const int Usage = CommandLineErrors.Usage;
}
