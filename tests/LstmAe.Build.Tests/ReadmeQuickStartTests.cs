using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using LstmAe.Tests.Shared;

namespace LstmAe.Build.Tests;

/// <summary>
/// The README's quick start, as a newcomer would follow it: its project file and Program.cs, copied from README.md,
/// in a folder outside this repository (the clone's path and this host's runtime identifier put in for the README's
/// placeholders), built once with <c>dotnet build</c> and run on a small npy file with a labels file.
/// </summary>
[TestClass]
public sealed partial class ReadmeQuickStartTests
{
    /// <summary>One OS's libtorch is about 500 MB (libtorch_cpu.so alone 461 MB for TorchSharp-cpu 0.107 on
    /// linux-x64); every OS's, as without a runtime identifier, is over 1 GB. Files are counted at their size even
    /// where they are hard links.</summary>
    private const long MaxOutputBytes = 600L << 20;

    private const string CloneFolder = "../LstmAe/";
    private const string ReadmeRuntimeIdentifier = "<RuntimeIdentifier>linux-x64</RuntimeIdentifier>";

    [TestMethod]
    public void TheQuickStartAppBuildsOutsideTheRepositoryTrainsAndStaysSmall()
    {
        string repository = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(repository, "README.md"));
        string project = CodeBlock(readme, "xml", "<ProjectReference");
        string program = CodeBlock(readme, "csharp", "LoadSequencesFromNpy(npy,");
        StringAssert.Contains(project, CloneFolder + "src/LstmAe.MLNet/LstmAe.MLNet.csproj");
        StringAssert.Contains(project, $"<Import Project=\"{CloneFolder}build/TorchSharpLibstdcxxCompat.targets\" />");
        StringAssert.Contains(project, ReadmeRuntimeIdentifier);

        using var folder = new TempDirectory();
        Assert.IsFalse(Path.GetFullPath(folder.Path).StartsWith(repository, StringComparison.Ordinal), "outside the repository");
        string runtimeIdentifier = HostRuntimeIdentifier();
        folder.Write("MyApp.csproj", Encoding.UTF8.GetBytes(project
            .Replace(CloneFolder, repository.TrimEnd('/') + "/", StringComparison.Ordinal)
            .Replace(ReadmeRuntimeIdentifier, $"<RuntimeIdentifier>{runtimeIdentifier}</RuntimeIdentifier>", StringComparison.Ordinal)));
        folder.Write("Program.cs", Encoding.UTF8.GetBytes(program));
        // Offline: packages come from the local NuGet cache, which the solution's own restore filled.
        folder.Write("nuget.config", Encoding.UTF8.GetBytes(LocalCacheOnlyConfig()));
        folder.Write("clips.npy", TimeMajorNpy(frames: 20, sequences: 8, side: 16));
        folder.Write("labels.csv", Encoding.ASCII.GetBytes("cat\ndog\ncat\ndog\ncat\ndog\ncat\ndog\n"));

        string configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        Run(folder.Path, TimeSpan.FromMinutes(15), "build", "MyApp.csproj", "-c", configuration, "-nologo");

        string output = Path.Combine(folder.Path, "bin", configuration, "net10.0", runtimeIdentifier);
        string run = Run(folder.Path, TimeSpan.FromMinutes(3), Path.Combine(output, "MyApp.dll"), "clips.npy", "labels.csv", "8", "1");
        // 8 hidden units: the default features, the top layer's h and c, are 16 values.
        StringAssert.Contains(run, "16 features; the first clip is predicted as class ");
        StringAssert.Matches(run, new Regex("predicted as class (cat|dog)"));
        Assert.IsTrue(File.Exists(folder.File("model.zip")), "model saved");

        long bytes = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
        Assert.IsLessThan(MaxOutputBytes, bytes, $"{output} holds {bytes >> 20} MB");
        Assert.IsFalse(Directory.Exists(Path.Combine(output, "runtimes")), "native libraries of other platforms were copied");
    }

    /// <summary>The first fenced block of <paramref name="language"/> in <paramref name="markdown"/> that contains
    /// <paramref name="marker"/>, without its fences.</summary>
    internal static string CodeBlock(string markdown, string language, string marker)
    {
        foreach (Match match in FencedBlock().Matches(markdown.ReplaceLineEndings("\n")))
        {
            if (match.Groups["language"].Value == language && match.Groups["code"].Value.Contains(marker, StringComparison.Ordinal))
                return match.Groups["code"].Value;
        }
        Assert.Fail($"README.md has no ```{language} block containing '{marker}'.");
        return "";
    }

    /// <summary>The folder holding LstmAe.sln, above this test's output folder.</summary>
    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LstmAe.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No LstmAe.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The portable identifier Directory.Build.props composes (linux-x64, osx-arm64, win-x64...), never a
    /// distribution-specific one such as a source-built SDK's, for which no libtorch package exists.</summary>
    private static string HostRuntimeIdentifier()
    {
        string os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : "win";
        return $"{os}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
    }

    private static string LocalCacheOnlyConfig()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local-cache" value="{packages}" />
              </packageSources>
            </configuration>
            """;
    }

    /// <summary>A uint8 npy file of shape [frames, sequences, side, side], as <c>mnist_test_seq.npy</c> is laid out.</summary>
    private static byte[] TimeMajorNpy(int frames, int sequences, int side)
    {
        string header = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({frames}, {sequences}, {side}, {side}), }}";
        int padded = (header.Length + 1 + 10 + 63) / 64 * 64 - 10;
        header = header.PadRight(padded - 1) + "\n";
        var data = new byte[frames * sequences * side * side];
        new Random(1).NextBytes(data);
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
        return stream.ToArray();
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/>; fails the test
    /// with its output unless it exits with 0 in time. Returns its output.</summary>
    private static string Run(string directory, TimeSpan limit, params string[] arguments)
    {
        (int exitCode, string text) = RunDotnet(directory, limit, arguments);
        Assert.AreEqual(0, exitCode, $"dotnet {string.Join(' ', arguments)}:\n{text}");
        return text;
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/>, outside the test
    /// host's MSBuild settings; the exit code and everything it printed.</summary>
    internal static (int ExitCode, string Output) RunDotnet(string directory, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // The test host's own MSBuild settings belong to the solution's build, not to this one.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish in {limit}.\n{output.Result}\n{errors.Result}");
        }
        return (process.ExitCode, output.Result + errors.Result);
    }

    [GeneratedRegex(@"^```(?<language>\w+)\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}
