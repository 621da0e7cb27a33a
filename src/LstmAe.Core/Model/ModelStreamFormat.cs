using System.Runtime.InteropServices;
using LstmAe.Interop;
using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// The saved-model layout: magic, format version, payload length, SHA-256 of the payload, then the payload
/// (options JSON, then each tensor as name, shape and little-endian float32 values). The checksum turns any
/// corruption into an <see cref="InvalidDataException"/> before a single tensor is built.
/// </summary>
internal static class ModelStreamFormat
{
    private static ReadOnlySpan<byte> Magic => "LSTMAE\r\n"u8;
    private const int FormatVersion = 1;
    private const int HashSize = SHA256.HashSizeInBytes;

    public static void Write(Stream stream, LstmAutoEncoderModelOptions options, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        byte[] payload = WritePayload(options, tensors);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((long)payload.Length);
        writer.Write(SHA256.HashData(payload));
        writer.Write(payload);
        writer.Flush();
    }

    /// <summary>Reads one saved model; the caller disposes the returned weights.</summary>
    public static (LstmAutoEncoderModelOptions Options, LoadedStateDict Weights) Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        byte[] magic = ReadExactly(reader, Magic.Length, "the header");
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException("The stream is not a saved LstmAe model (its first bytes are not the LstmAe magic).");
        int version = BitConverter.ToInt32(ReadExactly(reader, sizeof(int), "the format version"));
        if (version != FormatVersion)
            throw new InvalidDataException($"Saved LstmAe model has format version {version}; this library reads version {FormatVersion}.");
        long length = BitConverter.ToInt64(ReadExactly(reader, sizeof(long), "the payload length"));
        if (length <= 0 || length > Array.MaxLength)
            throw new InvalidDataException($"Saved LstmAe model declares a payload of {length} bytes, which is impossible.");
        byte[] hash = ReadExactly(reader, HashSize, "the checksum");
        byte[] payload = ReadPayloadBytes(stream, length);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(hash))
            throw new InvalidDataException("Saved LstmAe model is corrupt: its checksum does not match its contents.");
        return ReadPayload(payload);
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
            LstmAutoEncoderModelOptions options = LstmAutoEncoderModelOptions.FromJson(reader.ReadString());
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
                float[] values = MemoryMarshal.Cast<byte, float>(ReadExactly(reader, (int)elements * sizeof(float), name)).ToArray();
                weights.Add(name, tensor(values, shape));
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

    /// <summary>
    /// Reads the declared payload without trusting its length: a corrupt header must give InvalidDataException, not
    /// one huge allocation. Seekable streams are checked against the bytes they hold; others are read in chunks.
    /// </summary>
    private static byte[] ReadPayloadBytes(Stream stream, long length)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (length > remaining)
                throw new InvalidDataException(
                    $"Saved LstmAe model is truncated: it declares a payload of {length} bytes, only {remaining} remain.");
            byte[] payload = new byte[length];
            stream.ReadExactly(payload);
            return payload;
        }
        const int ChunkSize = 1 << 20;
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[Math.Min(length, ChunkSize)];
        while (buffer.Length < length)
        {
            int read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, length - buffer.Length));
            if (read == 0)
                throw new InvalidDataException(
                    $"Saved LstmAe model is truncated: it declares a payload of {length} bytes, only {buffer.Length} remain.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
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
            throw new InvalidDataException(
                $"Saved LstmAe model is truncated: {what} needs {count} bytes, only {bytes.Length} remain.");
        return bytes;
    }
}
