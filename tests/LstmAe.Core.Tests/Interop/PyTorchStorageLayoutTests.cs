using System.IO.Compression;
using System.Text.Json;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Interop;

/// <summary>
/// State_dicts written by real PyTorch (1.13, Fixtures/pytorch/make_storage_fixtures.py) with the same values in three
/// storage layouts: one contiguous storage per tensor, each LSTM's tensors as views of one flat storage (as after
/// cuDNN flattens them on a GPU), and transposed or padded (non-contiguous) weights. All must import bit for bit.
/// </summary>
[TestClass]
public sealed class PyTorchStorageLayoutTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch");

    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "storage_expected.json"))).RootElement;

    private static readonly string[] NonContiguous =
        ["encoder.lstm.weight_hh_l0", "predict_decoder.fc.weight", "predict_decoder.lstm.weight_ih_l1", "reconstruct_decoder.fc.weight"];

    private static LstmAutoEncoderModelOptions Options => TinyModels.Options with
    {
        FrameHeight = Shape("frame_side"),
        FrameWidth = Shape("frame_side"),
        InputFrames = Shape("input_frames"),
        FutureFrames = Shape("future_frames"),
        HiddenSize = Shape("hidden"),
        Layers = Shape("layers"),
        Dropout = 0,
        Objective = TrainingObjective.MeanSquaredError,
        Conditioning = DecoderConditioning.Conditional,
    };

    [TestMethod]
    public void TheContiguousFileImportsTheValuesPyTorchSaved()
    {
        using var model = Load("contiguous.pt");

        Dictionary<string, float[]> weights = TinyModels.Weights(model);
        float[] expected = NpyTestReader.ReadFloat32(Path.Combine(Folder, "weights.npy")).Values;
        int at = 0;
        foreach (string name in Expected.GetProperty("parameter_names").EnumerateArray().Select(e => e.GetString()!))
        {
            CollectionAssert.AreEqual(expected[at..(at + weights[name].Length)], weights[name], $"{name} differs");
            at += weights[name].Length;
        }
        Assert.AreEqual(expected.Length, at);
    }

    [TestMethod]
    [DataRow("shared_storage.pt")]
    [DataRow("non_contiguous.pt")]
    public void AnyStorageLayoutImportsTheSameValuesAsTheContiguousFile(string file)
    {
        using var contiguous = Load("contiguous.pt");
        using var model = Load(file);

        TinyModels.AssertBitIdentical(contiguous, model);
    }

    [TestMethod]
    public void TheFixturesReallyShareStoragesAndHoldNonContiguousTensors()
    {
        JsonElement layouts = Expected.GetProperty("layouts");
        int tensors = Expected.GetProperty("parameter_names").GetArrayLength();

        // Three LSTMs flattened into one storage each, plus the two Linear layers' four tensors.
        Assert.AreEqual(3 + 4, layouts.GetProperty("shared_storage.pt").GetProperty("storages").GetInt32());
        Assert.AreEqual(3 + 4, StorageEntries("shared_storage.pt"));
        Assert.AreEqual(tensors, StorageEntries("contiguous.pt"));
        CollectionAssert.AreEquivalent(
            NonContiguous,
            layouts.GetProperty("non_contiguous.pt").GetProperty("non_contiguous").EnumerateArray().Select(e => e.GetString()).ToArray());
    }

    [TestMethod]
    public void ASharedStorageModelComputesPyTorchsOutputs()
    {
        using var model = Load("shared_storage.pt");
        LstmAutoEncoderModelOptions options = Options;
        float[] past = Floats("past");
        int batch = Shape("batch");

        TensorAssert.AreClose(Floats("prediction"), model.Predict(past, batch), 1e-5, "prediction");
        // PyTorch's reconstruction is in decoder order (last frame first); ours is in time order.
        float[] reconstruction = Floats("reconstruction").Chunk(options.InputFrames * options.FrameSize)
            .SelectMany(sequence => sequence.Chunk(options.FrameSize).Reverse().SelectMany(frame => frame)).ToArray();
        TensorAssert.AreClose(reconstruction, model.Reconstruct(past, batch), 1e-5, "reconstruction");
    }

    [TestMethod]
    public void SavedParametersImportTheSameValuesAsTheContiguousFile()
    {
        // state_dict(keep_vars=True) pickles nn.Parameter objects, each wrapping the tensor it rebuilds.
        using var contiguous = Load("contiguous.pt");
        using var model = Load("parameters.pt");

        TinyModels.AssertBitIdentical(contiguous, model);
    }

    [TestMethod]
    [DataRow("legacy.pt", "is in PyTorch's legacy format (a bare pickle: torch.save with _use_new_zipfile_serialization=False, or PyTorch before 1.6). Load it in Python and save it again with torch.save(state_dict, path).")]
    // The tutorial's layout, 'epoch' first: the message still names the state_dict's key.
    [DataRow("checkpoint.pt", "holds a checkpoint, not a state_dict: its entry 'model_state_dict' is a dict of tensors. Save that entry alone: torch.save(checkpoint['model_state_dict'], path).")]
    [DataRow("whole_model.pt", "holds a pickled Python object (run_tutorial_model.Composite(...); a whole model?), not a state_dict (a dict of tensors): save the model's tensors alone, torch.save(model.state_dict(), path).")]
    // An argparse.Namespace before the state_dict (NEWOBJ): read as an inert object, so the key is still named.
    [DataRow("args_checkpoint.pt", "holds a checkpoint, not a state_dict: its entry 'state_dict' is a dict of tensors. Save that entry alone: torch.save(checkpoint['state_dict'], path).")]
    [DataRow("extra_entry.pt", "holds an entry 'epoch' whose value is not a tensor torch.save writes (its value: int). A state_dict holds only the model's tensors: save them alone, torch.save(model.state_dict(), path).")]
    [DataRow("data_parallel.pt", "every name carries nn.DataParallel's 'module.' prefix: save the wrapped model's own weights, torch.save(model.module.state_dict(), path)")]
    public void OtherWaysOfSavingAreRefusedSayingHowToSaveAStateDict(string file, string expected)
    {
        using var model = LstmAutoEncoder.Create(Options, seed: 99);
        Dictionary<string, float[]> before = TinyModels.Weights(model);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(Path.Combine(Folder, file)));

        StringAssert.Contains(error.Message, expected);
        StringAssert.Contains(error.Message, file);
        Dictionary<string, float[]> after = TinyModels.Weights(model);
        foreach (var (name, values) in before)
        {
            CollectionAssert.AreEqual(values, after[name], $"{name} changed");
        }
    }

    /// <summary>torch.save stores storages uncompressed, so a flipped bit reads back as a changed weight unless the
    /// entry's CRC-32 is checked (ZipArchive does not).</summary>
    [TestMethod]
    public void AFlippedBitInAStorageIsRefusedByItsCrc()
    {
        byte[] file = File.ReadAllBytes(Path.Combine(Folder, "contiguous.pt"));
        byte[] storage;
        using (var archive = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read))
        {
            using var entry = archive.GetEntry("contiguous/data/0")!.Open();
            storage = new byte[2048];
            entry.ReadExactly(storage);
        }
        int at = file.AsSpan().IndexOf(storage);
        Assert.IsGreaterThan(0, at, "the storage is not stored verbatim");
        file[at + 1001] ^= 0x10;
        string damaged = Path.Combine(Path.GetTempPath(), $"lstmae-crc-{Environment.ProcessId}.pt");
        File.WriteAllBytes(damaged, file);
        try
        {
            using var model = LstmAutoEncoder.Create(Options, seed: 99);

            var e = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(damaged));

            // ZipArchive checks no CRC in .NET 10 (LstmAe's message); a later .NET that does is caught as damage too.
            StringAssert.Contains(e.Message, $"{damaged}: entry 'contiguous/data/0' is damaged");
        }
        finally
        {
            File.Delete(damaged);
        }
    }

    private static LstmAutoEncoder Load(string file)
    {
        var model = LstmAutoEncoder.Create(Options, seed: 99);
        model.LoadPyTorchStateDict(Path.Combine(Folder, file));
        return model;
    }

    private static int StorageEntries(string file)
    {
        using ZipArchive archive = ZipFile.OpenRead(Path.Combine(Folder, file));
        return archive.Entries.Count(e => e.FullName.Contains("/data/", StringComparison.Ordinal));
    }

    private static int Shape(string key) => Expected.GetProperty("shapes").GetProperty(key).GetInt32();

    private static float[] Floats(string key) => Expected.GetProperty(key).EnumerateArray().Select(e => e.GetSingle()).ToArray();
}
