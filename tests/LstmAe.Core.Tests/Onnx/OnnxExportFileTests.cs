using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Onnx;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.Onnx;

/// <summary>Export to a file: the file ONNX Runtime loads, atomic replacement, and clear errors for bad requests.</summary>
[TestClass]
public sealed class OnnxExportFileTests
{
    private static readonly LstmAutoEncoderModelOptions Options = new()
    {
        FrameHeight = 4, FrameWidth = 4, InputFrames = 3, FutureFrames = 2, HiddenSize = 8,
    };

    [TestMethod]
    public void WritesAFileThatOnnxRuntimeLoadsAndReplacesAnExistingOne()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "encoder.onnx");
        File.WriteAllText(path, "old content");
        using var model = LstmAutoEncoder.Create(Options, seed: 1);
        model.ExportOnnx(path, new OnnxExportOptions { InputName = "Clip", FeaturesName = "Code" });

        using var scorer = OnnxRuntimeScorer.Load(path);
        Assert.AreEqual("Clip", scorer.InputMetadata.Keys.Single());
        Assert.AreEqual("Code", scorer.OutputMetadata.Keys.Single());
        float[] rows = TinyModels.Sequences(Options, 2).Take(2 * Options.InputSequenceLength).ToArray();
        Assert.AreEqual(2 * Options.HiddenSize, scorer.Run("Clip", rows, 2)["Code"].Length);
        Assert.AreEqual(1, Directory.GetFiles(temp.Path).Length, "no temporary file left");
    }

    [TestMethod]
    public void AMissingFolderIsAnIOExceptionNamingThePath()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "missing", "encoder.onnx");
        using var model = LstmAutoEncoder.Create(Options, seed: 1);
        var error = Assert.ThrowsExactly<IOException>(() => model.ExportOnnx(path));
        StringAssert.Contains(error.Message, path);
    }

    [TestMethod]
    public void EmptyPathsAndFoldersAreRefused()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(Options, seed: 1);
        Assert.ThrowsExactly<ArgumentException>(() => model.ExportOnnx(""));
        Assert.ThrowsExactly<ArgumentNullException>(() => model.ExportOnnx((string)null!));
        var error = Assert.ThrowsExactly<IOException>(() => model.ExportOnnx(temp.Path));
        StringAssert.Contains(error.Message, temp.Path);
        Assert.AreEqual(0, Directory.GetFiles(temp.Path).Length, "no temporary file left");
    }

    [TestMethod]
    public void DecoderOutputsNeedTheDecoder()
    {
        using var reconstructionOnly = LstmAutoEncoder.Create(Options with { Mode = AutoEncoderMode.ReconstructionOnly }, seed: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            reconstructionOnly.ExportOnnx(new MemoryStream(), new OnnxExportOptions { IncludePrediction = true }));
        StringAssert.Contains(error.Message, "IncludePrediction");

        using var predictionOnly = LstmAutoEncoder.Create(Options with { Mode = AutoEncoderMode.PredictionOnly }, seed: 1);
        error = Assert.ThrowsExactly<ArgumentException>(() =>
            predictionOnly.ExportOnnx(new MemoryStream(), new OnnxExportOptions { IncludeReconstructionError = true }));
        StringAssert.Contains(error.Message, "reconstruction decoder");
    }

    [TestMethod]
    public void NamesMustBeDistinctAndNotInternal()
    {
        using var model = LstmAutoEncoder.Create(Options, seed: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() =>
            model.ExportOnnx(new MemoryStream(), new OnnxExportOptions { FeaturesName = "Frames" }));
        StringAssert.Contains(error.Message, "InputName and FeaturesName");
        Assert.ThrowsExactly<ArgumentException>(() =>
            model.ExportOnnx(new MemoryStream(), new OnnxExportOptions { FeaturesName = "lstmae/x" }));
        Assert.ThrowsExactly<ArgumentException>(() =>
            model.ExportOnnx(new MemoryStream(), new OnnxExportOptions { InputName = " " }));
        Assert.ThrowsExactly<ArgumentException>(() =>
            model.ExportOnnx(new MemoryStream(), new OnnxExportOptions { Features = (EncoderFeatures)17 }));
    }
}
