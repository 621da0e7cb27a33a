using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using LstmAe.Model;
using LstmAe.Samples.MovingMnist;
using LstmAe.Samples.Tests.Visualization;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.Tests.Samples;

[TestClass]
public sealed class MovingMnistSampleTests
{
    private static readonly int[] ClassCounts = [10, 8, 3];
    private static readonly int[] DefaultBudgets = [100, 1_000];
    private static readonly bool[] PixelBaselines = [true, true, true, false, false];
    private static readonly string[] Representations =
        ["mean frame (pixels)", "max over time (pixels)", "PCA of all input frames", "untrained encoder (random weights)", "LSTM autoencoder features"];

    [TestMethod]
    public void TheTinyRunWritesAValidModelPicturesAndResults()
    {
        using var folder = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = SampleApp.Run(["--tiny", "--output", folder.Path], output, error);

        Assert.AreEqual(0, exitCode, error.ToString());
        string report = output.ToString();
        foreach (string expected in new[]
        {
            "validation loss", "reconstruction", "prediction", "LSTM autoencoder features", "mean frame (pixels)", "max over time (pixels)",
            "PCA of all input frames", "untrained encoder", "Digit identity", "Direction of motion", "Speed band", " +- ", "best pixel baseline",
        })
        {
            StringAssert.Contains(report, expected);
        }

        // The model: a zip with entries that ML.NET loads back and that still computes features.
        string modelPath = Path.Combine(folder.Path, OutputFolder.ModelFile);
        using (var zip = ZipFile.OpenRead(modelPath))
        {
            Assert.IsNotEmpty(zip.Entries);
        }
        var mlContext = new MLContext();
        mlContext.ComponentCatalog.RegisterLstmAutoEncoder();
        var model = mlContext.Model.Load(modelPath, out var inputSchema);
        Assert.IsNotNull(inputSchema.GetColumnOrNull("Frames"));
        var features = model.Transform(mlContext.Data.LoadMovingMnist(new() { SequenceCount = 2, FrameCount = 6, FrameHeight = 32, FrameWidth = 32 }));
        // One layer: h and c of the top layer, as the sample's settings choose.
        Assert.AreEqual(EncoderFeatures.LastLayerHiddenAndCell, SampleSettings.Tiny.Features);
        Assert.AreEqual(2, features.GetColumn<float[]>("Features").Count(row => row.Length == 2 * SampleSettings.Tiny.HiddenSize));
        (model as IDisposable)?.Dispose();

        // The pictures decode back with the expected frames and sizes.
        int frames = SampleSettings.Tiny.InputFrames + SampleSettings.Tiny.FutureFrames;
        for (int i = 0; i < SampleSettings.Tiny.RenderedSequences; i++)
        {
            using var gif = ImageAssert.IsAnimatedGif(Path.Combine(folder.Path, OutputFolder.AnimationFile(i)), frames);
        }
        // Scale 1, gap 2: 6 columns of 32 + 2 pixels, plus the last gap; 2 sequences of two 34-pixel rows, 6 pixels apart.
        using (ImageAssert.IsPng(Path.Combine(folder.Path, OutputFolder.ContactSheetFile), 6 * 34 + 2, 2 * (2 * 34 + 6) - 6 + 2))
        {
        }
        using (ImageAssert.IsPng(Path.Combine(folder.Path, OutputFolder.LossCurveFile), LstmAe.Visualization.LossCurvePlot.Width, LstmAe.Visualization.LossCurvePlot.Height))
        {
        }

        // The results file holds the printed figures.
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, OutputFolder.ResultsFile)));
        AssertClassificationTables(results.RootElement, SampleSettings.Tiny);
        foreach (string decoder in new[] { "Reconstruction", "Prediction" })
        {
            var metrics = results.RootElement.GetProperty(decoder);
            Assert.AreEqual(SampleSettings.Tiny.TestSequences * (decoder == "Reconstruction" ? SampleSettings.Tiny.InputFrames : SampleSettings.Tiny.FutureFrames),
                metrics.GetProperty("Frames").GetInt64(), decoder);
            Assert.IsGreaterThan(0.0, metrics.GetProperty("CrossEntropyNats").GetDouble(), decoder);
            Assert.IsGreaterThan(0.0, metrics.GetProperty("SquaredError").GetDouble(), decoder);
            Assert.IsTrue(metrics.GetProperty("Ssim").GetDouble() is > -1 and < 1, decoder);
        }

        // Files lists exactly what is in the folder.
        CollectionAssert.AreEquivalent(
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).ToArray(),
            results.RootElement.GetProperty("Files").EnumerateArray().Select(file => file.GetString()).ToArray());
    }

    /// <summary>
    /// The feature comparison on the tiny configuration: every task (the tiny preset varies the speed, so the speed
    /// band is one) has the five representations, each with a mean, a standard deviation and a result per seed and
    /// label budget, and the setting validation chose from the grid.
    /// </summary>
    private static void AssertClassificationTables(JsonElement results, SampleSettings settings)
    {
        Assert.AreEqual(settings.ClassifierSeeds, results.GetProperty("ClassifierSeeds").GetInt32());
        var grid = results.GetProperty("L2Grid").EnumerateArray().Select(l2 => l2.GetDouble()).ToArray();
        int[] budgets = [.. settings.LabelBudgets.Where(b => b < settings.ClassifierTrainSequences), settings.ClassifierTrainSequences];
        var tables = results.GetProperty("Classification").EnumerateArray().ToArray();
        CollectionAssert.AreEqual(ClassCounts, tables.Select(table => table.GetProperty("Classes").GetInt32()).ToArray());
        foreach (var table in tables)
        {
            CollectionAssert.AreEqual(budgets, table.GetProperty("LabelCounts").EnumerateArray().Select(n => n.GetInt32()).ToArray());
            var rows = table.GetProperty("Rows").EnumerateArray().ToArray();
            CollectionAssert.AreEqual(Representations, rows.Select(row => row.GetProperty("Representation").GetString()).ToArray());
            CollectionAssert.AreEqual(PixelBaselines, rows.Select(row => row.GetProperty("IsPixelBaseline").GetBoolean()).ToArray());
            foreach (var row in rows)
            {
                var perSeed = row.GetProperty("PerSeed").EnumerateArray().Select(seed => seed.EnumerateArray().Select(a => a.GetDouble()).ToArray()).ToArray();
                Assert.HasCount(settings.ClassifierSeeds, perSeed);
                Assert.IsTrue(perSeed.All(seed => seed.Length == budgets.Length && seed.All(a => a is >= 0 and <= 1)));
                var mean = row.GetProperty("Mean").EnumerateArray().Select(a => a.GetDouble()).ToArray();
                var deviation = row.GetProperty("StandardDeviation").EnumerateArray().Select(a => a.GetDouble()).ToArray();
                for (int b = 0; b < budgets.Length; b++)
                {
                    double[] values = perSeed.Select(seed => seed[b]).ToArray();
                    Assert.AreEqual(values.Average(), mean[b], 1e-12);
                    double expected = Math.Sqrt(values.Sum(v => (v - values.Average()) * (v - values.Average())) / (values.Length - 1));
                    Assert.AreEqual(expected, deviation[b], 1e-12);
                }
                foreach (string chosen in row.GetProperty("Chosen").EnumerateArray().SelectMany(seed => seed.EnumerateArray()).Select(c => c.GetString()!))
                {
                    double l2 = double.Parse(chosen.Split(',')[0]["L2 ".Length..], CultureInfo.InvariantCulture);
                    Assert.IsTrue(grid.Any(g => Math.Abs(g - l2) <= 1e-6 * g), chosen);
                }
            }
        }
    }

    [TestMethod]
    public void TheDefaultComparisonIsTheReviewersOne()
    {
        var settings = SampleSettings.Default;
        Assert.AreEqual(3, settings.ClassifierSeeds);
        CollectionAssert.AreEqual(DefaultBudgets, settings.LabelBudgets.ToArray());
        Assert.IsGreaterThan(1_000, settings.ClassifierTrainSequences);
        Assert.IsGreaterThan(0, settings.ClassifierValidationSequences);
        Assert.IsNull(settings.MaxSpeed, "the autoencoder trains on the paper's motion by default");
    }

    [TestMethod]
    public void ForceReplacesTheSampleFilesOfAnEarlierRunAndKeepsTheRest()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("notes.txt"), "mine");
        File.WriteAllText(folder.File("sequence-03.gif"), "stale: an earlier run drew four sequences");
        File.WriteAllText(folder.File(OutputFolder.ResultsFile), "{}");
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = SampleApp.Run(["--tiny", "--force", "--output", folder.Path], output, error);

        Assert.AreEqual(0, exitCode, error.ToString());
        Assert.AreEqual("mine", File.ReadAllText(folder.File("notes.txt")));
        Assert.IsFalse(File.Exists(folder.File("sequence-03.gif")));
        using var results = JsonDocument.Parse(File.ReadAllText(folder.File(OutputFolder.ResultsFile)));
        CollectionAssert.AreEquivalent(
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Where(name => name != "notes.txt").ToArray(),
            results.RootElement.GetProperty("Files").EnumerateArray().Select(file => file.GetString()).ToArray());
    }

    [TestMethod]
    public void DeviceOptionIsValidatedAndCudaFallsBackToTheCpu()
    {
        using var folder = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.AreEqual(2, SampleApp.Run(["--tiny", "--device", "tpu:7", "--output", folder.Path], output, error));
        StringAssert.Contains(error.ToString(), "--device must be cpu, cuda or cuda:N");
        if (TorchSharp.torch.cuda.is_available()) return;
        using var output2 = new StringWriter();
        using var error2 = new StringWriter();
        Assert.AreEqual(0, SampleApp.Run(["--tiny", "--device", "cuda", "--output", folder.Path], output2, error2), error2.ToString());
    }

    [TestMethod]
    public void ANonEmptyOutputFolderIsRefusedWithoutForce()
    {
        using var folder = new TempDirectory();
        string mine = folder.File("notes.txt");
        File.WriteAllText(mine, "mine");
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = SampleApp.Run(["--tiny", "--output", folder.Path], output, error);

        Assert.AreEqual(1, exitCode);
        StringAssert.Contains(error.ToString(), "--force");
        Assert.AreEqual("mine", File.ReadAllText(mine));
        Assert.HasCount(1, Directory.GetFileSystemEntries(folder.Path));
    }

    [TestMethod]
    [DataRow("Float32", "float32 matrix products")]
    [DataRow("BFloat16", "bfloat16 (")]
    public void PrecisionOptionChoosesTheMatrixProducts(string precision, string expected)
    {
        using var folder = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = SampleApp.Run(["--tiny", "--precision", precision, "--output", folder.Path], output, error);

        Assert.AreEqual(0, exitCode, error.ToString());
        StringAssert.Contains(output.ToString(), expected);
        StringAssert.Contains(output.ToString(), "(cosine)");
    }

    /// <summary>The value reads the same whatever the culture: under de-DE "0.004" would otherwise be 4.</summary>
    [TestMethod]
    [DataRow("en-US")]
    [DataRow("de-DE")]
    public void LearningRateOptionSetsAdamsStartingRate(string culture)
    {
        using var folder = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();
        CultureInfo before = CultureInfo.CurrentCulture;
        int exitCode;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            exitCode = SampleApp.Run(["--tiny", "--learning-rate", "0.004", "--output", folder.Path], output, error);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }

        Assert.AreEqual(0, exitCode, error.ToString());
        StringAssert.Contains(output.ToString(), "Adam 0.004 decaying to 0.0004 (cosine)");
    }

    [TestMethod]
    [DataRow("--epochs", "0", "--epochs must be positive")]
    [DataRow("--learning-rate", "0,004", "--learning-rate must be a number written with a '.' decimal point")]
    [DataRow("--learning-rate", "0", "--learning-rate must be a positive number; got 0")]
    [DataRow("--learning-rate", "-1e-3", "--learning-rate must be a positive number")]
    [DataRow("--learning-rate", "Infinity", "--learning-rate must be a positive number")]
    public void BadArgumentsAreOneLineAndExitCodeTwo(string option, string value, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.AreEqual(2, SampleApp.Run([option, value], output, error));
        StringAssert.Contains(error.ToString(), message);
        Assert.HasCount(1, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
