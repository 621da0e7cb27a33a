using System.Diagnostics;

namespace LstmAe.MLNet.Tests.Support;

/// <summary>
/// Runs LstmAe.MLNet.ModelRunner in a process of its own: to load a saved model from scratch, or to run a scenario
/// that killed the process before it was fixed, so that a regression fails one test instead of killing the test host.
/// </summary>
/// <param name="ExitCode">The runner's exit code; 128 + n when signal n killed it (134 abort, 135 bus error, 139
/// segmentation fault).</param>
/// <param name="Output">What it wrote to stdout.</param>
/// <param name="Errors">What it wrote to stderr.</param>
internal sealed record ModelRunnerProcess(int ExitCode, string Output, string Errors)
{
    /// <summary>Runs the runner with <paramref name="arguments"/> and waits up to two minutes for it.</summary>
    public static ModelRunnerProcess Run(params string[] arguments) => Run(TimeSpan.FromMinutes(2), arguments);

    /// <summary>Runs the runner with <paramref name="arguments"/>; fails the test (a hang) and kills the runner
    /// when it has not finished within <paramref name="timeout"/>.</summary>
    // The runner is started with this test assembly's runtimeconfig and deps files, so it resolves ML.NET,
    // TorchSharp and libtorch exactly as the test process does.
    public static ModelRunnerProcess Run(TimeSpan timeout, params string[] arguments)
    {
        string directory = AppContext.BaseDirectory;
        string testAssembly = Path.GetFileNameWithoutExtension(typeof(ModelRunnerProcess).Assembly.Location);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (string argument in new[]
        {
            "exec",
            "--runtimeconfig", Path.Combine(directory, testAssembly + ".runtimeconfig.json"),
            "--depsfile", Path.Combine(directory, testAssembly + ".deps.json"),
            Path.Combine(directory, "LstmAe.MLNet.ModelRunner.dll"),
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The model runner did not finish within {timeout.TotalSeconds:0} seconds (a hang).\n{output.Result}\n{Tail(errors.Result)}");
        }
        return new ModelRunnerProcess(process.ExitCode, output.Result, errors.Result);
    }

    /// <summary>Fails unless the runner exited with 0.</summary>
    public ModelRunnerProcess AssertSucceeded()
    {
        Assert.AreEqual(0, ExitCode, $"Model runner failed (exit code {ExitCode}):\n{Output}\n{Tail(Errors)}");
        return this;
    }

    /// <summary>The rest of the output line that starts with <paramref name="label"/> and ": ".</summary>
    public string Line(string label) =>
        Output.Split('\n').Select(line => line.TrimEnd('\r')).FirstOrDefault(line => line.StartsWith(label + ": ", StringComparison.Ordinal))?[(label.Length + 2)..]
        ?? throw new AssertFailedException($"The runner printed no line '{label}: ...':\n{Output}\n{Errors}");

    /// <summary>The last 40 lines of <paramref name="text"/> (a fuzz run names each case on stderr before it).</summary>
    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(40));
}
