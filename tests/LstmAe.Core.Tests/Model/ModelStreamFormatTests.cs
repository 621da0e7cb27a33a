using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

/// <summary>Crafted headers and payloads: lies about sizes must be InvalidDataException, never a huge allocation.</summary>
[TestClass]
public sealed class ModelStreamFormatTests
{
    // Far below the ~2 GB a trusted length would allocate; far above what reading a tiny stream needs.
    private const long AllocationBudget = 64 << 20;

    // A saved model starts with an 8-byte magic and a 4-byte version, then the payload length and its SHA-256.
    private const int MagicAndVersionLength = 12;
    private const int HeaderLength = MagicAndVersionLength + sizeof(long) + SHA256.HashSizeInBytes;

    [TestMethod]
    public void AHugeDeclaredPayloadLengthIsInvalidDataWithoutAllocatingIt()
    {
        byte[] header = Header(payloadLength: Array.MaxLength, hash: new byte[SHA256.HashSizeInBytes]);

        foreach (Stream stream in new Stream[] { new MemoryStream(header), new UnseekableStream(header) })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var error = Assert.ThrowsExactly<InvalidDataException>(() => ModelStreamFormat.Read(stream));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            StringAssert.Contains(error.Message, $"declares a payload of {Array.MaxLength} bytes");
            Assert.IsLessThan(AllocationBudget, allocated, $"{stream.GetType().Name}: allocated {allocated} bytes");
        }
    }

    [TestMethod]
    public void ATensorShapeWhoseElementCountOverflowsIsInvalidData()
    {
        // 2^32 x 2^32 x 4 wraps to 0 in unchecked 64-bit arithmetic.
        byte[] stream = WithValidChecksum(Payload("encoder.lstm.weight_ih_l0", [1L << 32, 1L << 32, 4]));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => ModelStreamFormat.Read(new MemoryStream(stream)));

        StringAssert.Contains(error.Message, "impossible shape [4294967296, 4294967296, 4]");
    }

    [TestMethod]
    public void ANegativeDimensionIsInvalidData()
    {
        byte[] stream = WithValidChecksum(Payload("encoder.lstm.weight_ih_l0", [-2, -3]));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => ModelStreamFormat.Read(new MemoryStream(stream)));

        StringAssert.Contains(error.Message, "impossible shape [-2, -3]");
    }

    [TestMethod]
    public void AModelSavedBeforeMatrixPrecisionExistedLoadsAsFloat32()
    {
        var options = TinyModels.Options with { MatrixPrecision = MatrixPrecision.BFloat16 };
        using var model = LstmAutoEncoder.Create(options, seed: 2);
        using var saved = new MemoryStream();
        model.Save(saved);
        var (json, tensors) = SplitPayload(saved.ToArray()[HeaderLength..]);
        var oldJson = JsonNode.Parse(json)!.AsObject();
        Assert.IsTrue(oldJson.Remove(nameof(LstmAutoEncoderModelOptions.MatrixPrecision)), json);

        using var loaded = LstmAutoEncoder.Load(new MemoryStream(WithValidChecksum([.. StringBytes(oldJson.ToJsonString()), .. tensors])));

        Assert.AreEqual(options with { MatrixPrecision = MatrixPrecision.Float32 }, loaded.Options);
        TinyModels.AssertBitIdentical(model, loaded);
    }

    /// <summary>A payload's options JSON and the tensor bytes after it.</summary>
    private static (string Json, byte[] Tensors) SplitPayload(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        string json = reader.ReadString();
        return (json, payload[(int)reader.BaseStream.Position..]);
    }

    /// <summary>A string as <see cref="BinaryWriter"/> writes it: length-prefixed UTF-8.</summary>
    private static byte[] StringBytes(string value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) writer.Write(value);
        return buffer.ToArray();
    }

    /// <summary>The options JSON, then one tensor with the given shape and no values.</summary>
    private static byte[] Payload(string name, long[] shape)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(TinyModels.Options.ToJson());
            writer.Write(1);
            writer.Write(name);
            writer.Write(shape.Length);
            foreach (long dim in shape) writer.Write(dim);
        }
        return buffer.ToArray();
    }

    private static byte[] WithValidChecksum(byte[] payload) =>
        [.. Header(payload.Length, SHA256.HashData(payload)), .. payload];

    /// <summary>The real magic and version (taken from a saved model), then the given length and checksum.</summary>
    private static byte[] Header(long payloadLength, byte[] hash)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        using var saved = new MemoryStream();
        model.Save(saved);
        byte[] magicAndVersion = saved.ToArray()[..MagicAndVersionLength];
        return [.. magicAndVersion, .. BitConverter.GetBytes(payloadLength), .. hash];
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
