using System.Diagnostics;
using System.Text.Json;
using LstmAe.Samples.OnnxScoring;
using LstmAe.Tests.Shared;

namespace LstmAe.Samples.Tests.Samples;

/// <summary>
/// The ONNX sample end to end on its tiny settings: the training half runs in this process; the scorer runs as a
/// process of its own (its build output, which references neither LstmAe nor TorchSharp) and must reproduce the
/// TorchSharp pipeline's predictions.
/// </summary>
[TestClass]
public sealed class OnnxScoringSampleTests
{
    private const string ScorerProject = "LstmAe.Samples.OnnxScoring.Scorer";

    [TestMethod]
    public void TheScorerReproducesTheTorchSharpPipelineWithoutIt()
    {
        using var folder = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = OnnxSampleApp.Run(["--tiny", "--output", folder.Path], output, error);
        Assert.AreEqual(0, exitCode, error.ToString());
        foreach (string file in new[] { "encoder.onnx", "classifier.zip", "clips.idv", "lstmae-pipeline.zip", "onnx-train.json" })
            Assert.IsTrue(File.Exists(folder.File(file)), file);

        var (scorerExit, scorerOutput) = RunScorer("--folder", folder.Path);
        Assert.AreEqual(0, scorerExit, scorerOutput);
        StringAssert.Contains(scorerOutput, "No TorchSharp or LstmAe assembly was loaded");

        using var results = JsonDocument.Parse(File.ReadAllText(folder.File("onnx-scoring.json")));
        using var training = JsonDocument.Parse(File.ReadAllText(folder.File("onnx-train.json")));
        JsonElement scoring = results.RootElement;
        int rows = scoring.GetProperty("Rows").GetInt32();
        Assert.AreEqual(OnnxSampleSettings.Tiny.TestSequences, rows);
        Assert.IsFalse(scoring.GetProperty("TorchSharpLoaded").GetBoolean());
        // Class scores from features within float32 rounding of each other; a tie closer than that could flip a
        // prediction, which the tiny run's scores are far from.
        Assert.IsLessThan(1e-4, scoring.GetProperty("LargestScoreDifference").GetDouble());
        Assert.AreEqual(rows, scoring.GetProperty("IdenticalPredictions").GetInt32(), scorerOutput);
        Assert.AreEqual(training.RootElement.GetProperty("Accuracy").GetDouble(), scoring.GetProperty("Accuracy").GetDouble(), 1e-12);
        // The scorer ships no libtorch: its folder is a fraction of the TorchSharp app's.
        Assert.IsLessThan(training.RootElement.GetProperty("AppFolderBytes").GetInt64() / 4, scoring.GetProperty("AppFolderBytes").GetInt64());
    }

    [TestMethod]
    public void TheScorerNamesAMissingFile()
    {
        using var folder = new TempDirectory();
        var (exitCode, output) = RunScorer("--folder", folder.Path);
        Assert.AreEqual(1, exitCode, output);
        StringAssert.Contains(output, "encoder.onnx' is missing");
    }

    /// <summary>Runs the scorer's build output (same configuration and runtime as this test assembly) with
    /// <c>dotnet exec</c>; returns its exit code and its output and error text.</summary>
    private static (int ExitCode, string Output) RunScorer(params string[] args)
    {
        string repository = RepositoryRoot();
        string buildSuffix = Path.GetRelativePath(Path.Combine(repository, "tests", "LstmAe.Samples.Tests"), AppContext.BaseDirectory);
        string scorer = Path.Combine(repository, "samples", ScorerProject, buildSuffix, "lstmae-onnx-score.dll");
        Assert.IsTrue(File.Exists(scorer), $"The scorer is not built at {scorer}; build {ScorerProject} in this configuration.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in (string[])["exec", scorer, .. args])
            start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(TimeSpan.FromMinutes(2)), "the scorer did not finish within two minutes");
        return (process.ExitCode, output + error.Result);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LstmAe.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No LstmAe.sln above {AppContext.BaseDirectory}.");
    }
}
