using System.Runtime.InteropServices;
using System.Text;
using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// The saved-model layout: a <see cref="ChecksummedEnvelope"/> whose payload is the options JSON, then each tensor
/// as name, shape and little-endian float32 values. The checksum turns any corruption into an
/// <see cref="InvalidDataException"/> before a single tensor is built.
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
            "The stream is not a saved LstmAe model (its first bytes are not the LstmAe magic)."));

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
