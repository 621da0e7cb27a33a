using System.Security.Cryptography;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Training;

/// <summary>Resuming refuses checkpoints that would silently train on the wrong rows or on damaged state.</summary>
[TestClass]
public sealed class TrainingCheckpointTests
{
    // Layout: magic (8), version (4), payload length (8), SHA-256 (32), then the payload.
    private const int VersionOffset = 8, LengthOffset = 12, HashOffset = 20, PayloadOffset = 52;

    /// <summary>A CPU generator like a run's dropout generator, whose states the random-state checks read.</summary>
    private static readonly Generator DropoutGenerator = new(11, new Device(DeviceType.CPU));
    // Payload: optimizer, batch size, seed (3 x 4), step (8), epoch (4), batches into epoch (8), best loss (8),
    // stale validations (4), the random state's length and bytes, the model (an envelope of the same layout), then the
    // optimizer state. Offsets below are into the payload.
    private const int StepAt = 12, EpochAt = 20, BatchesAt = 24, BestLossAt = 32, StaleAt = 40, RandomStateLengthAt = 44;

    private static readonly TrainingOptions Options = new() { Epochs = 1, BatchSize = 4, Seed = 5 };

    [TestMethod]
    [DataRow(2, 5)]
    [DataRow(4, 6)]
    public void ResumingWithAnotherBatchSizeOrSeedNamesBothValues(int batchSize, int seed)
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options with { BatchSize = batchSize, Seed = seed }));

        StringAssert.Contains(error.Message, $"written with BatchSize 4 and Seed 5; this run uses BatchSize {batchSize} and Seed {seed}");
    }

    [TestMethod]
    [DataRow(2)] // TorchSharp's optimizer state_dict, before our own optimizers
    [DataRow(4)]
    public void AnotherFormatVersionIsInvalidDataNamingTheFileAndBothVersions(int version)
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        byte[] bytes = File.ReadAllBytes(checkpoint);
        BitConverter.GetBytes(version).CopyTo(bytes, VersionOffset);
        File.WriteAllBytes(checkpoint, bytes);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options));

        StringAssert.Contains(error.Message, $"{checkpoint} has format version {version}; this library reads version 3");
    }

    [TestMethod]
    public void AFlippedByteIsInvalidDataNamingTheFile()
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        byte[] bytes = File.ReadAllBytes(checkpoint);
        bytes[^1] ^= 0x40; // in the optimizer state, which nothing else checks
        File.WriteAllBytes(checkpoint, bytes);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options));

        StringAssert.Contains(error.Message, $"{checkpoint} is corrupt");
    }

    [TestMethod]
    public void ADeclaredPayloadLongerThanTheFileIsInvalidData()
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        byte[] bytes = File.ReadAllBytes(checkpoint);
        // Longer than what the file holds, though a possible array length: caught before any allocation.
        BitConverter.GetBytes((long)bytes.Length).CopyTo(bytes, LengthOffset);
        File.WriteAllBytes(checkpoint, bytes);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options));
        StringAssert.Contains(error.Message, $"{checkpoint} is truncated: it declares a payload of {bytes.Length} bytes");

        // Longer than any array: impossible whatever the file holds.
        BitConverter.GetBytes((long)int.MaxValue).CopyTo(bytes, LengthOffset);
        File.WriteAllBytes(checkpoint, bytes);
        error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options));
        StringAssert.Contains(error.Message, $"{checkpoint} declares a payload of {int.MaxValue} bytes, which is impossible");
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(int.MaxValue)]
    public void AnImpossibleRandomStateLengthIsInvalidData(int length)
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        RewritePayload(checkpoint, payload => BitConverter.GetBytes(length).CopyTo(payload, RandomStateLengthAt));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options));

        StringAssert.Contains(error.Message, $"{checkpoint} declares a random state of {length} bytes");
    }

    /// <summary>
    /// libtorch's set_state of a CPU generator throws for a state of another size, or whose mt19937 fields are out of range, and
    /// TorchSharp does not catch it: the process would abort. The check is called directly here, so a gap in it fails
    /// this test rather than taking the test host down.
    /// </summary>
    [TestMethod]
    [DataRow(0)]
    [DataRow(16)]
    [DataRow(5055)]
    [DataRow(5064)]
    public void ARandomStateOfAnotherLengthIsInvalidData(int length)
    {
        byte[] state = RealRandomState();
        Array.Resize(ref state, length);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => TrainingCheckpoint.CheckRandomState(state, DropoutGenerator, "run.ckpt"));

        StringAssert.Contains(error.Message, $"run.ckpt holds a random state of {length} bytes; this libtorch's is 5056");
    }

    /// <summary>The fields libtorch validates (mt19937's seeded, left and next), and a C++ bool that must be 0 or 1.</summary>
    [TestMethod]
    [DataRow(12, 0, "that is not seeded (its 'seeded' field is 0)")]
    [DataRow(8, 0, "whose 'left' field is 0; expected 1 to 624")]
    [DataRow(8, 625, "whose 'left' field is 625; expected 1 to 624")]
    [DataRow(8, -1, "whose 'left' field is -1; expected 1 to 624")]
    [DataRow(16, 625, "whose 'next' field is 625; expected 0 to 624")]
    [DataRow(5052, 2, "whose float-sample flag is 2; expected 0 or 1")]
    public void ARandomStateLibtorchWouldRefuseIsInvalidData(int at, int value, string expected)
    {
        byte[] state = RealRandomState();
        BitConverter.GetBytes(value).CopyTo(state, at);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => TrainingCheckpoint.CheckRandomState(state, DropoutGenerator, "run.ckpt"));

        StringAssert.Contains(error.Message, $"run.ckpt holds a random state {expected}");
    }

    /// <summary>The check refuses no state libtorch takes: a real one, and the bounds of its ranges.</summary>
    [TestMethod]
    [DataRow(0, 0)]
    [DataRow(8, 624)]
    [DataRow(8, 1)]
    [DataRow(12, 2)]
    [DataRow(16, 624)]
    public void ARandomStateLibtorchTakesPasses(int at, int value)
    {
        byte[] state = RealRandomState();
        if (at > 0) BitConverter.GetBytes(value).CopyTo(state, at);

        TrainingCheckpoint.CheckRandomState(state, DropoutGenerator, "run.ckpt");
        using var generator = new Generator(0, new Device(DeviceType.CPU));
        using (Tensor edited = torch.tensor(state, dtype: ScalarType.Byte)) generator.set_state(edited);
    }

    /// <summary>The same through a resume: the state is checked before anything reaches libtorch.</summary>
    [TestMethod]
    [DataRow(0, "holds a random state of 0 bytes")]
    [DataRow(16, "holds a random state of 16 bytes")]
    [DataRow(5056, "holds a random state that is not seeded")]
    public void AZeroRandomStateIsInvalidDataWhenResuming(int length, string expected)
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        RewritePayload(checkpoint, payload =>
        {
            int stateEnd = ModelAt(payload);
            return [.. payload[..RandomStateLengthAt], .. BitConverter.GetBytes(length), .. new byte[length], .. payload[stateEnd..]];
        });

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options with { Epochs = 2 }));

        StringAssert.Contains(error.Message, $"{checkpoint} {expected}");
    }

    /// <summary>
    /// Each count must be one a run could have written, here after the single step of epoch 0, or a resume trains
    /// from an impossible place: from epoch int.MinValue, 2^31 epochs. MaxSteps ends such a resume without the check.
    /// </summary>
    [TestMethod]
    [DataRow(StepAt, -5L, "step -5, which no run writes: at least 0")]
    [DataRow(EpochAt, int.MinValue, "epoch -2147483648, which no run writes: 0 to 1")]
    [DataRow(EpochAt, 2, "epoch 2, which no run writes: 0 to 1")]
    [DataRow(BatchesAt, -3L, "-3 batches into its epoch, which no run writes: 0 to 0")]
    [DataRow(BatchesAt, long.MaxValue, "9223372036854775807 batches into its epoch, which no run writes: 0 to 0")]
    [DataRow(StaleAt, -1, "-1 validations without improvement, which no run writes: 0 to 2")]
    [DataRow(StaleAt, 3, "3 validations without improvement, which no run writes: 0 to 2")]
    public void APositionNoRunWritesIsInvalidDataNamingTheField(int at, object value, string expected)
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        RewritePayload(checkpoint, payload => (value is long count ? BitConverter.GetBytes(count) : BitConverter.GetBytes((int)value)).CopyTo(payload, at));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options with { Epochs = 3, MaxSteps = 3 }));

        StringAssert.Contains(error.Message, $"{checkpoint} holds {expected}");
    }

    [TestMethod]
    [DataRow(double.PositiveInfinity)]
    [DataRow(double.NegativeInfinity)]
    public void AnInfiniteBestValidationLossIsInvalidData(double loss)
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        RewritePayload(checkpoint, payload => BitConverter.GetBytes(loss).CopyTo(payload, BestLossAt));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options with { Epochs = 2 }));

        StringAssert.Contains(error.Message, $"{checkpoint} holds best validation loss {loss}, which no run writes");
    }

    [TestMethod]
    public void BytesAfterTheOptimizerStateAreInvalidData()
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        RewritePayload(checkpoint, payload => [.. payload, 1, 2, 3]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options with { Epochs = 2 }));

        StringAssert.Contains(error.Message, $"{checkpoint} holds 3 bytes after its optimizer state");
    }

    /// <summary>The model inside has its own checksum; its errors name the checkpoint, not just "saved model".</summary>
    [TestMethod]
    public void ADamagedModelInsideNamesTheCheckpoint()
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        RewritePayload(checkpoint, payload => payload[OptimizerAt(payload) - 1] ^= 0x40); // the model's last weight

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options with { Epochs = 2 }));

        StringAssert.Contains(error.Message, $"{checkpoint} holds a damaged model: Saved LstmAe model is corrupt");
    }

    /// <summary>Adam counts a parameter's steps; more than the run took would change its bias correction silently.</summary>
    [TestMethod]
    public void AnAdamStepCountBeyondTheRunsStepsIsInvalidData()
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        // Optimizer state: momentum (8), parameter count (4), then the first parameter's step count.
        RewritePayload(checkpoint, payload => BitConverter.GetBytes(2L).CopyTo(payload, OptimizerAt(payload) + 12));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options with { Epochs = 2 }));

        StringAssert.Contains(error.Message, $"{checkpoint} holds Adam step count 2 for parameter 0; expected 0 to 1");
    }

    [TestMethod]
    public void ARunMayResumeInAnotherMatrixPrecisionButNotWithAnotherModel()
    {
        using var temp = new TempDirectory();
        string checkpoint = WriteCheckpoint(temp);
        var longer = Options with { Epochs = 2, CheckpointPath = checkpoint, ResumeFromCheckpoint = true };

        using (var bf16 = LstmAutoEncoder.Create(TinyModels.Options with { MatrixPrecision = MatrixPrecision.BFloat16 }))
        {
            TrainingResult resumed = new AutoEncoderTrainer(bf16, longer).Fit(TinyModels.Source(TinyModels.Options, 4));
            Assert.AreEqual(2, resumed.Steps);
        }

        using var wider = LstmAutoEncoder.Create(TinyModels.Options with { HiddenSize = TinyModels.Options.HiddenSize + 1 });
        var error = Assert.ThrowsExactly<InvalidDataException>(() => new AutoEncoderTrainer(wider, longer).Fit(TinyModels.Source(TinyModels.Options, 4)));
        StringAssert.Contains(error.Message, "written for a different model");
    }

    [TestMethod]
    public void ACheckpointsModelLoadsWithoutResumingAndABatchSizeNoRunWritesIsRefused()
    {
        using var temp = new TempDirectory();
        string checkpoint = temp.File("run.ckpt");
        using var trained = LstmAutoEncoder.Create(TinyModels.Options);
        new AutoEncoderTrainer(trained, Options with { CheckpointPath = checkpoint }).Fit(TinyModels.Source(TinyModels.Options, 4));

        using (LstmAutoEncoder loaded = AutoEncoderTrainer.LoadCheckpointModel(checkpoint, matrixPrecision: trained.Options.MatrixPrecision))
            TinyModels.AssertBitIdentical(trained, loaded);
        Assert.ThrowsExactly<FileNotFoundException>(() => AutoEncoderTrainer.LoadCheckpointModel(temp.File("absent.ckpt")));
        RewritePayload(checkpoint, payload => BitConverter.GetBytes(0).CopyTo(payload, sizeof(int))); // the batch size

        var error = Assert.ThrowsExactly<InvalidDataException>(() => AutoEncoderTrainer.LoadCheckpointModel(checkpoint));
        Assert.AreEqual($"{checkpoint} holds batch size 0, which no run writes: at least 1.", error.Message);
        Assert.AreEqual(error.Message, Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options)).Message);
    }

    private static string WriteCheckpoint(TempDirectory temp)
    {
        string checkpoint = temp.File("run.ckpt");
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        new AutoEncoderTrainer(model, Options with { CheckpointPath = checkpoint }).Fit(TinyModels.Source(TinyModels.Options, 4));
        return checkpoint;
    }

    /// <summary>Replaces the checkpoint's payload by <paramref name="edit"/> under a valid length and checksum, as a
    /// crafted file would, so the check of the edited field itself is what must catch it.</summary>
    private static void RewritePayload(string checkpoint, Action<byte[]> edit) =>
        RewritePayload(checkpoint, payload =>
        {
            edit(payload);
            return payload;
        });

    private static void RewritePayload(string checkpoint, Func<byte[], byte[]> edit)
    {
        byte[] bytes = File.ReadAllBytes(checkpoint);
        byte[] payload = edit(bytes[PayloadOffset..]);
        BitConverter.GetBytes((long)payload.Length).CopyTo(bytes, LengthOffset);
        SHA256.HashData(payload).CopyTo(bytes, HashOffset);
        File.WriteAllBytes(checkpoint, [.. bytes[..PayloadOffset], .. payload]);
    }

    private static byte[] RealRandomState()
    {
        using Tensor state = DropoutGenerator.get_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>Where the model's envelope starts in the payload: after the random state.</summary>
    private static int ModelAt(byte[] payload) => RandomStateLengthAt + sizeof(int) + BitConverter.ToInt32(payload, RandomStateLengthAt);

    /// <summary>Where the optimizer state starts in the payload: after the model's envelope.</summary>
    private static int OptimizerAt(byte[] payload) =>
        ModelAt(payload) + PayloadOffset + (int)BitConverter.ToInt64(payload, ModelAt(payload) + LengthOffset);

    private static void Resume(string checkpoint, TrainingOptions options)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        new AutoEncoderTrainer(model, options with { CheckpointPath = checkpoint, ResumeFromCheckpoint = true })
            .Fit(TinyModels.Source(TinyModels.Options, 4));
    }
}
