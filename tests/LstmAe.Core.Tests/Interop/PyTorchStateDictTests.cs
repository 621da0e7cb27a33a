using System.IO.Compression;
using System.Text;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;
using TorchSharp;

namespace LstmAe.Core.Tests.Interop;

[TestClass]
public sealed class PyTorchStateDictTests
{
    private readonly List<string> _temporaryFiles = [];

    public TestContext TestContext { get; set; } = null!;

    [TestCleanup]
    public void DeleteTemporaryFiles()
    {
        foreach (string path in _temporaryFiles) File.Delete(path);
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
    public void SavingReplacesAFileWholeAndRefusesAFolder()
    {
        using var folder = new TempDirectory();
        string path = folder.Write("weights.pt", "an older file"u8.ToArray());
        string taken = Path.Combine(folder.Path, "taken");
        Directory.CreateDirectory(taken);
        using var original = LstmAutoEncoder.Create(TinyModels.Options, seed: 1);
        using var copy = LstmAutoEncoder.Create(TinyModels.Options, seed: 2);

        original.SavePyTorchStateDict(path);
        var error = Assert.ThrowsExactly<IOException>(() => original.SavePyTorchStateDict(taken));

        copy.LoadPyTorchStateDict(path);
        TinyModels.AssertBitIdentical(original, copy);
        StringAssert.Contains(error.Message, taken);
        Assert.IsTrue(Directory.Exists(taken), "the folder is gone");
        // Only what was there: no temporary file left beside the targets.
        CollectionAssert.AreEquivalent(new[] { path, taken }, Directory.GetFileSystemEntries(folder.Path));
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
    public void AnEntryThatIsNotATensorIsInvalidDataAndLeaksNoTensor()
    {
        string valid = TempFile(), invalid = valid + ".invalid.pt";
        _temporaryFiles.Add(invalid);
        using (var model = LstmAutoEncoder.Create(TinyModels.Options)) model.SavePyTorchStateDict(valid);
        File.Copy(valid, invalid);
        // Several bad entries among the tensors, so whatever order the table yields, some tensors come after one.
        AddNonTensorEntries(invalid, "not_a_tensor_1", "not_a_tensor_2", "not_a_tensor_3");
        using var target = LstmAutoEncoder.Create(TinyModels.Options);

        // The unpickler keeps some tensors of its own alive until finalized; a failed load may leave no more.
        int aliveAfterSuccess = TensorsAliveAfter(() => target.LoadPyTorchStateDict(valid));
        int aliveAfterFailure = TensorsAliveAfter(() =>
        {
            var error = Assert.ThrowsExactly<InvalidDataException>(() => target.LoadPyTorchStateDict(invalid));
            StringAssert.Contains(error.Message, "holds an entry 'not_a_tensor_");
        });

        Assert.AreEqual(aliveAfterSuccess, aliveAfterFailure, "Tensors read from the file are still alive.");

        static int TensorsAliveAfter(Action action)
        {
            using var scope = torch.NewDisposeScope();
            action();
            return scope.DisposablesView.OfType<torch.Tensor>().Count(t => !t.IsInvalid);
        }
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

    /// <summary>
    /// Adds name: 5 entries to the state_dict pickle. It opens with PROTO 2, EMPTY_DICT, BINPUT 0, MARK; the pairs
    /// between that MARK and its SETITEMS become the dict's entries, so new pairs go right after the MARK.
    /// </summary>
    private static void AddNonTensorEntries(string path, params string[] names)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Update);
        ZipArchiveEntry entry = archive.Entries.Single(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal));
        byte[] pickle;
        using (var stream = entry.Open()) pickle = ReadAll(stream);
        byte[] opening = [0x80, 2, (byte)'}', (byte)'q', 0, (byte)'('];
        CollectionAssert.AreEqual(opening, pickle[..opening.Length], "The pickle layout changed; update this helper.");
        var pairs = new MemoryStream();
        foreach (string name in names)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
            pairs.WriteByte((byte)'X'); // BINUNICODE: length, then UTF-8
            pairs.Write(BitConverter.GetBytes(utf8.Length));
            pairs.Write(utf8);
            pairs.Write([(byte)'K', 5]); // BININT1 5
        }
        using (var stream = entry.Open())
        {
            stream.SetLength(0);
            stream.Write(pickle.AsSpan(0, opening.Length));
            stream.Write(pairs.ToArray());
            stream.Write(pickle.AsSpan(opening.Length));
        }

        static byte[] ReadAll(Stream stream)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }

    private string TempFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"lstmae-{TestContext.TestName}-{Environment.ProcessId}.pt");
        _temporaryFiles.Add(path);
        return path;
    }
}
