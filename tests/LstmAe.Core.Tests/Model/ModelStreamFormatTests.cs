using System.Security.Cryptography;
using System.Text;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

/// <summary>Crafted headers and payloads: lies about sizes must be InvalidDataException, never a huge allocation.</summary>
[TestClass]
public sealed class ModelStreamFormatTests
{
    // Far below the ~2 GB a trusted length would allocate; far above what reading a tiny stream needs.
    private const long AllocationBudget = 64 << 20;

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
        byte[] magicAndVersion = saved.ToArray()[..12];
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
