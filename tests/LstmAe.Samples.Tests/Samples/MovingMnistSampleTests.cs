using LstmAe.Tests.Shared;
using System.IO.Compression;
using System.Text.Json;
using LstmAe.Samples.MovingMnist;
using LstmAe.Samples.Tests.Visualization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.Tests.Samples;

[TestClass]
public sealed class MovingMnistSampleTests
{
    [TestMethod]
    public void TheTinyRunWritesAValidModelPicturesAndResults()
    {
        using var folder = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = SampleApp.Run(["--tiny", "--output", folder.Path], output, error);

        Assert.AreEqual(0, exitCode, error.ToString());
        string report = output.ToString();
        foreach (string expected in new[] { "validation loss", "reconstruction", "prediction", "LSTM autoencoder features", "raw pixels", "untrained encoder" })
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
        Assert.AreEqual(2, features.GetColumn<float[]>("Features").Count(row => row.Length == SampleSettings.Tiny.HiddenSize));
        (model as IDisposable)?.Dispose();

        // The pictures decode back with the expected frames and sizes.
        int frames = SampleSettings.Tiny.InputFrames + SampleSettings.Tiny.FutureFrames;
        for (int i = 0; i < SampleSettings.Tiny.RenderedSequences; i++)
        {
            using var gif = ImageAssert.IsAnimatedGif(Path.Combine(folder.Path, OutputFolder.AnimationFile(i)), frames);
        }
        using (var sheet = ImageAssert.IsPng(Path.Combine(folder.Path, OutputFolder.ContactSheetFile)))
        {
            Assert.IsGreaterThan((uint)(frames * 32), sheet.Width);
        }
        using (ImageAssert.IsPng(Path.Combine(folder.Path, OutputFolder.LossCurveFile), LstmAe.Visualization.LossCurvePlot.Width, LstmAe.Visualization.LossCurvePlot.Height))
        {
        }

        // The results file holds the printed figures.
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, OutputFolder.ResultsFile)));
        var accuracy = results.RootElement.GetProperty("Accuracy");
        Assert.AreEqual(3, accuracy.EnumerateObject().Count());
        Assert.IsTrue(accuracy.EnumerateObject().All(row => row.Value.EnumerateArray().All(a => a.GetDouble() is >= 0 and <= 1)));
        Assert.IsGreaterThan(0.0, results.RootElement.GetProperty("Reconstruction").GetProperty("CrossEntropyNats").GetDouble());
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
    public void BadArgumentsAreOneLineAndExitCodeTwo()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.AreEqual(2, SampleApp.Run(["--epochs", "0"], output, error));
        StringAssert.Contains(error.ToString(), "--epochs must be positive");
        Assert.HasCount(1, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
