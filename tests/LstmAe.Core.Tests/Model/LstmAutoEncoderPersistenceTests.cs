using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.Model;

[TestClass]
public sealed class LstmAutoEncoderPersistenceTests
{
    [TestMethod]
    [DataRow(MatrixPrecision.Float32)]
    [DataRow(MatrixPrecision.BFloat16)]
    public void SaveThenLoadIsBitIdenticalAndLeavesTheStreamOpen(MatrixPrecision precision)
    {
        var options = TinyModels.Options with { Conditioning = DecoderConditioning.Unconditioned, MatrixPrecision = precision };
        using var original = LstmAutoEncoder.Create(options, seed: 9);
        using var stream = new MemoryStream();

        original.Save(stream);
        stream.WriteByte(0xAB);
        stream.Position = 0;
        using var loaded = LstmAutoEncoder.Load(stream, matrixPrecision: precision);

        Assert.AreEqual(options, loaded.Options);
        TinyModels.AssertBitIdentical(original, loaded);
        float[] sequences = TinyModels.Sequences(options, 2);
        CollectionAssert.AreEqual(original.Reconstruct(sequences, 2), loaded.Reconstruct(sequences, 2));
        Assert.AreEqual(0xAB, stream.ReadByte(), "Load must stop at the end of the model.");
    }

    [TestMethod]
    public void AFileSavedAndLoadedByPathIsBitIdenticalAndErrorsNameIt()
    {
        using var folder = new TempDirectory();
        string path = folder.File("tiny.lstmae"), damaged = folder.File("damaged.lstmae");
        using var original = LstmAutoEncoder.Create(TinyModels.Options, seed: 5);

        original.Save(path);
        using var loaded = LstmAutoEncoder.Load(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(damaged, bytes[..(bytes.Length / 2)]);

        TinyModels.AssertBitIdentical(original, loaded);
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(damaged)).Message,
            $"'{damaged}' is not a readable LstmAe model: ");
        Assert.ThrowsExactly<FileNotFoundException>(() => LstmAutoEncoder.Load(folder.File("absent.lstmae")));
        StringAssert.Contains(Assert.ThrowsExactly<UnauthorizedAccessException>(() => LstmAutoEncoder.Load(folder.Path)).Message, "is a folder");
        Assert.ThrowsExactly<IOException>(() => original.Save(folder.Path));
    }

    [TestMethod]
    public void AStreamLeftAtItsEndIsNamedAsSuch()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        using var stream = new MemoryStream();
        model.Save(stream);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(stream));

        StringAssert.StartsWith(error.Message, $"The stream is at its end (position {stream.Length} of {stream.Length})");
        StringAssert.Contains(error.Message, "set its Position back");
    }

    [TestMethod]
    public void ABFloat16ModelLoadsForThisCpuOrInTheRequestedPrecision()
    {
        var options = TinyModels.Options with { Conditioning = DecoderConditioning.Unconditioned, MatrixPrecision = MatrixPrecision.BFloat16 };
        using var trained = LstmAutoEncoder.Create(options, seed: 9);
        using var stream = new MemoryStream();
        trained.Save(stream);

        stream.Position = 0;
        using var byDefault = LstmAutoEncoder.Load(stream);
        stream.Position = 0;
        using var asFloat32 = LstmAutoEncoder.Load(stream, matrixPrecision: MatrixPrecision.Float32);
        using var float32Twin = LstmAutoEncoder.Create(options with { MatrixPrecision = MatrixPrecision.Float32 }, seed: 9);

        Assert.AreEqual(MatrixPrecisionSupport.ForThisCpu(MatrixPrecision.BFloat16), byDefault.Options.MatrixPrecision);
        Assert.AreEqual(MatrixPrecision.Float32, asFloat32.Options.MatrixPrecision);
        TinyModels.AssertBitIdentical(trained, asFloat32);
        float[] sequences = TinyModels.Sequences(options, 2);
        CollectionAssert.AreEqual(float32Twin.Reconstruct(sequences, 2), asFloat32.Reconstruct(sequences, 2));
    }

    [TestMethod]
    public void CorruptTruncatedOrForeignStreamsAreInvalidData()
    {
        byte[] saved = SavedBytes();

        byte[] corrupt = (byte[])saved.Clone();
        corrupt[saved.Length / 2] ^= 0x40;
        var error = Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new MemoryStream(corrupt)));
        StringAssert.Contains(error.Message, "checksum");

        error = Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new MemoryStream(saved[..^10])));
        StringAssert.Contains(error.Message, "truncated");

        Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new MemoryStream(saved[..5])));
        Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new MemoryStream()));
        error = Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new MemoryStream("PK\x03\x04 not a model"u8.ToArray())));
        StringAssert.Contains(error.Message, "not a saved LstmAe model");
    }

    private static byte[] SavedBytes()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }
}
