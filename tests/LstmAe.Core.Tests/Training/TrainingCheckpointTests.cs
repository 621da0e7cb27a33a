using System.Security.Cryptography;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

/// <summary>Resuming refuses checkpoints that would silently train on the wrong rows or on damaged state.</summary>
[TestClass]
public sealed class TrainingCheckpointTests
{
    // Layout: magic (8), version (4), payload length (8), SHA-256 (32), then the payload.
    private const int VersionOffset = 8, LengthOffset = 12, HashOffset = 20, PayloadOffset = 52;
    // Payload: optimizer, batch size, seed (3 x 4), step (8), epoch (4), batches into epoch (8), best loss (8),
    // stale validations (4), then the random state's length.
    private const int RandomStateLengthOffset = PayloadOffset + 44;

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
        byte[] bytes = File.ReadAllBytes(checkpoint);
        BitConverter.GetBytes(length).CopyTo(bytes, RandomStateLengthOffset);
        // A valid checksum, so the length check itself is what must catch it.
        SHA256.HashData(bytes.AsSpan(PayloadOffset)).CopyTo(bytes, HashOffset);
        File.WriteAllBytes(checkpoint, bytes);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => Resume(checkpoint, Options));

        StringAssert.Contains(error.Message, $"{checkpoint} declares a random state of {length} bytes");
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

    private static string WriteCheckpoint(TempDirectory temp)
    {
        string checkpoint = temp.File("run.ckpt");
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        new AutoEncoderTrainer(model, Options with { CheckpointPath = checkpoint }).Fit(TinyModels.Source(TinyModels.Options, 4));
        return checkpoint;
    }

    private static void Resume(string checkpoint, TrainingOptions options)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        new AutoEncoderTrainer(model, options with { CheckpointPath = checkpoint, ResumeFromCheckpoint = true })
            .Fit(TinyModels.Source(TinyModels.Options, 4));
    }
}
