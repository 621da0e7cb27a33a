using System.Runtime.InteropServices;
using System.Text;
using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// The saved-model layout: a <see cref="ChecksummedEnvelope"/> whose payload is the options JSON, then each tensor
/// as name, shape and little-endian float32 values. The checksum turns any corruption into an
/// <see cref="InvalidDataException"/> before a single tensor is built. The checksum proves nothing against a
/// crafted file (anyone can recompute it), so the options are read first and must be within
/// <see cref="ModelSizeLimits"/>, the declared payload length must be exactly what they imply
/// (<see cref="ModelStateLayout"/>) before the rest is read, and each tensor's name and shape must be the expected
/// one before its values are copied.
/// </summary>
internal static class ModelStreamFormat
{
    private static ReadOnlySpan<byte> Magic => "LSTMAE\r\n"u8;
    private const int FormatVersion = 1;
    private const string Subject = "Saved LstmAe model";

    public static void Write(Stream stream, LstmAutoEncoderModelOptions options, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ChecksummedEnvelope.Write(stream, Magic, FormatVersion, WritePayload(options, tensors));
    }

    /// <summary>Reads one saved model; the caller disposes the returned weights.</summary>
    public static (LstmAutoEncoderModelOptions Options, LoadedStateDict Weights) Read(Stream stream) =>
        ReadPayload(ChecksummedEnvelope.Read(stream, Magic, FormatVersion, Subject,
            "The stream is not a saved LstmAe model (its first bytes are not the LstmAe magic).",
            CheckDeclaredLength, OptionsPrefixLength));

    /// <summary>The options JSON's 7-bit length (at most 5 bytes), then at most the JSON limit.</summary>
    private const int OptionsPrefixLength = 5 + ModelSizeLimits.MaxOptionsJsonBytes;

    /// <summary>Refuses a declared payload longer than the one the options at its start imply, before it is read; a
    /// shorter one fails while its tensors are parsed, with a message naming the first that does not fit.</summary>
    private static void CheckDeclaredLength(byte[] prefix, long declaredLength)
    {
        var reader = new BinaryReader(new MemoryStream(prefix, writable: false), Encoding.UTF8);
        LstmAutoEncoderModelOptions options;
        try
        {
            options = ReadOptions(reader, prefix.Length);
        }
        catch (InvalidDataException e) when (prefix.Length < Math.Min(declaredLength, OptionsPrefixLength))
        {
            throw new InvalidDataException(
                $"{Subject} is truncated: it declares a payload of {declaredLength} bytes, only {prefix.Length} remain.", e);
        }
        long expected = reader.BaseStream.Position + ExpectedTensorBytes(options);
        if (declaredLength > expected)
        {
            throw new InvalidDataException(
                $"{Subject} declares a payload of {declaredLength} bytes; its options ({options.ToJson()}) imply {expected}.");
        }
    }

    /// <summary>Reads and validates the options JSON, refusing more than <see cref="ModelSizeLimits.MaxOptionsJsonBytes"/>.</summary>
    private static LstmAutoEncoderModelOptions ReadOptions(BinaryReader reader, long available)
    {
        try
        {
            int length = reader.Read7BitEncodedInt();
            if (length is < 0 or > ModelSizeLimits.MaxOptionsJsonBytes)
            {
                throw new InvalidDataException(
                    $"{Subject} declares {length} bytes of options JSON; at most {ModelSizeLimits.MaxOptionsJsonBytes} are allowed.");
            }

            if (length > available - reader.BaseStream.Position)
                throw new InvalidDataException($"{Subject} is truncated: its options JSON needs {length} bytes.");
            return LstmAutoEncoderModelOptions.FromJson(Encoding.UTF8.GetString(reader.ReadBytes(length)));
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"{Subject} has unreadable model options: {e.Message}", e);
        }
    }

    /// <summary>The bytes after the options JSON: tensor count, then each tensor's name, rank, shape and values.</summary>
    private static long ExpectedTensorBytes(LstmAutoEncoderModelOptions options)
    {
        long bytes = sizeof(int);
        foreach (var (name, shape) in ModelStateLayout.Of(options))
        {
            int nameBytes = Encoding.UTF8.GetByteCount(name);
            bytes += SevenBitLength(nameBytes) + nameBytes + sizeof(int) + shape.Length * sizeof(long)
                + shape.Aggregate(1L, (product, dim) => product * dim) * sizeof(float);
        }
        return bytes;
    }

    private static int SevenBitLength(int value)
    {
        int bytes = 1;
        for (uint rest = (uint)value >> 7; rest != 0; rest >>= 7) bytes++;
        return bytes;
    }

    private static byte[] WritePayload(LstmAutoEncoderModelOptions options, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(options.ToJson());
            var list = tensors.ToList();
            writer.Write(list.Count);
            foreach (var (name, tensor) in list)
            {
                writer.Write(name);
                writer.Write(tensor.shape.Length);
                foreach (long dim in tensor.shape) writer.Write(dim);
                using Tensor host = tensor.detach().cpu().to(float32).contiguous();
                writer.Write(MemoryMarshal.AsBytes(host.data<float>().ToArray().AsSpan()));
            }
        }
        return buffer.ToArray();
    }

    private static (LstmAutoEncoderModelOptions, LoadedStateDict) ReadPayload(byte[] payload)
    {
        var weights = new LoadedStateDict();
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
            LstmAutoEncoderModelOptions options = ReadOptions(reader, payload.Length);
            Dictionary<string, long[]> expected = ModelStateLayout.Of(options).ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                int rank = reader.ReadInt32();
                if (rank is < 0 or > 8) throw new InvalidDataException($"Tensor {name} has rank {rank}.");
                long[] shape = new long[rank];
                for (int d = 0; d < rank; d++) shape[d] = reader.ReadInt64();
                long elements = ElementCount(shape);
                if (elements < 0 || elements > payload.Length / sizeof(float))
                    throw new InvalidDataException($"Tensor {name} has an impossible shape [{string.Join(", ", shape)}].");
                if (!expected.Remove(name, out long[]? expectedShape))
                    throw new InvalidDataException($"{Subject} holds tensor {name}, which its options do not imply (or twice).");
                if (!shape.SequenceEqual(expectedShape))
                {
                    throw new InvalidDataException(
                        $"{Subject} holds tensor {name} of shape [{string.Join(", ", shape)}]; its options imply [{string.Join(", ", expectedShape)}].");
                }

                float[] values = MemoryMarshal.Cast<byte, float>(ReadExactly(reader, (int)elements * sizeof(float), name)).ToArray();
                weights.Add(name, tensor(values, shape));
            }
            if (expected.Count > 0)
            {
                throw new InvalidDataException(
                    $"{Subject} lacks tensors its options imply: {string.Join(", ", expected.Keys.Order(StringComparer.Ordinal))}.");
            }

            if (reader.BaseStream.Position != payload.Length)
                throw new InvalidDataException("Saved LstmAe model has bytes after its last tensor.");
            return (options, weights);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidDataException)
        {
            weights.Dispose();
            throw e as InvalidDataException ?? new InvalidDataException($"Saved LstmAe model is malformed: {e.Message}", e);
        }
    }

    /// <summary>The product of the dimensions, or -1 when one is negative or the product overflows.</summary>
    private static long ElementCount(long[] shape)
    {
        if (shape.Any(dim => dim < 0)) return -1;
        try
        {
            long elements = 1;
            foreach (long dim in shape) elements = checked(elements * dim);
            return elements;
        }
        catch (OverflowException)
        {
            return -1;
        }
    }

    private static byte[] ReadExactly(BinaryReader reader, int count, string what)
    {
        byte[] bytes = reader.ReadBytes(count);
        if (bytes.Length != count)
            throw new InvalidDataException($"{Subject} is truncated: {what} needs {count} bytes, only {bytes.Length} remain.");
        return bytes;
    }
}
