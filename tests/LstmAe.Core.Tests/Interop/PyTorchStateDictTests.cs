using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Interop;

[TestClass]
public sealed class PyTorchStateDictTests
{
    private readonly List<string> temporaryFiles = [];

    public TestContext TestContext { get; set; } = null!;

    [TestCleanup]
    public void DeleteTemporaryFiles()
    {
        foreach (string path in temporaryFiles) File.Delete(path);
    }

    [TestMethod]
    public void LoadsTheTutorialLayoutWithEveryName()
    {
        using var model = SeedFixture.LoadModel(DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError);

        string[] expectedNames = SeedFixture.ParameterNames();
        CollectionAssert.AreEquivalent(expectedNames, model.Module.state_dict().Keys.ToArray());
    }

    [TestMethod]
    public void SaveThenLoadGivesIdenticalTensors()
    {
        string path = TempFile();
        using var original = LstmAutoEncoder.Create(TinyModels.Options, seed: 1);
        using var copy = LstmAutoEncoder.Create(TinyModels.Options, seed: 2);

        original.SavePyTorchStateDict(path);
        copy.LoadPyTorchStateDict(path);

        TinyModels.AssertBitIdentical(original, copy);
    }

    [TestMethod]
    public void MissingTensorsAreNamed()
    {
        string path = TempFile();
        using (var reconstructionOnly = LstmAutoEncoder.Create(TinyModels.Options with { Mode = AutoEncoderMode.ReconstructionOnly }))
            reconstructionOnly.SavePyTorchStateDict(path);
        using var composite = LstmAutoEncoder.Create(TinyModels.Options);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => composite.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, "missing: predict_decoder.fc.bias, predict_decoder.fc.weight, predict_decoder.lstm.bias_hh_l0");
    }

    [TestMethod]
    public void UnexpectedTensorsAreNamed()
    {
        string path = TempFile();
        using (var composite = LstmAutoEncoder.Create(TinyModels.Options)) composite.SavePyTorchStateDict(path);
        using var predictionOnly = LstmAutoEncoder.Create(TinyModels.Options with { Mode = AutoEncoderMode.PredictionOnly });

        var error = Assert.ThrowsExactly<InvalidDataException>(() => predictionOnly.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, "unexpected: reconstruct_decoder.fc.bias");
    }

    [TestMethod]
    public void MisShapedTensorsAreNamedWithBothShapes()
    {
        using var narrower = LstmAutoEncoder.Create(SeedFixture.Options(DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError) with { HiddenSize = 16 });

        var error = Assert.ThrowsExactly<InvalidDataException>(() => narrower.LoadPyTorchStateDict(SeedFixture.PathOf("model.bin")));

        StringAssert.Contains(error.Message, "encoder.lstm.weight_ih_l0 has shape [128, 64], expected [64, 64]");
    }

    [TestMethod]
    public void ForeignFileIsInvalidData()
    {
        string path = TempFile();
        File.WriteAllText(path, "not a pickle");
        using var model = LstmAutoEncoder.Create(TinyModels.Options);

        Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));
        Assert.ThrowsExactly<FileNotFoundException>(() => model.LoadPyTorchStateDict(path + ".absent"));
    }

    [TestMethod]
    public void APyTorchLoadedModelTrains()
    {
        using var model = SeedFixture.LoadModel(DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError);
        float[] before = TinyModels.Weights(model)["encoder.lstm.weight_ih_l0"];
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = null, MaxSteps = 2, BatchSize = 3 });

        TrainingResult result = trainer.Fit(new InMemorySequenceSource(SeedFixture.FullSequences(), SeedFixture.FullSequenceLength));

        Assert.IsTrue(model.Module.parameters().All(p => p.requires_grad), "Loaded parameters must stay trainable.");
        Assert.IsGreaterThan(0.0, result.LastProgress!.GradientNorm);
        CollectionAssert.AreNotEqual(before, TinyModels.Weights(model)["encoder.lstm.weight_ih_l0"]);
    }

    private string TempFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lstmae-{TestContext.TestName}-{Environment.ProcessId}.pt");
        temporaryFiles.Add(path);
        return path;
    }
}
