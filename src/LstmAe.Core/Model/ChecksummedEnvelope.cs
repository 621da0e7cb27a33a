using System.Security.Cryptography;
using System.Text;

namespace LstmAe.Model;

/// <summary>
/// The framing shared by saved models and training checkpoints: magic, format version, payload length, SHA-256 of
/// the payload, then the payload. Reading checks all of it before the payload is parsed, so corruption or truncation
/// is an <see cref="InvalidDataException"/> that names the data, and a corrupt length never causes a huge allocation.
/// </summary>
internal static class ChecksummedEnvelope
{
    private const int HashSize = SHA256.HashSizeInBytes;
    private const int ChunkSize = 1 << 20;

    public static void Write(Stream stream, ReadOnlySpan<byte> magic, int version, byte[] payload)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(magic);
        writer.Write(version);
        writer.Write((long)payload.Length);
        writer.Write(SHA256.HashData(payload));
        writer.Write(payload);
        writer.Flush();
    }

    /// <summary>Reads and verifies one envelope; returns its payload.</summary>
    /// <param name="stream">Positioned at the magic.</param>
    /// <param name="magic">The bytes this kind of data starts with.</param>
    /// <param name="version">The only format version this library reads.</param>
    /// <param name="subject">How messages name the data: "Saved LstmAe model", or a file path.</param>
    /// <param name="foreignMessage">The message when the magic does not match.</param>
    public static byte[] Read(Stream stream, ReadOnlySpan<byte> magic, int version, string subject, string foreignMessage)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!ReadExactly(reader, magic.Length, "the header", subject).AsSpan().SequenceEqual(magic))
            throw new InvalidDataException(foreignMessage);
        int savedVersion = BitConverter.ToInt32(ReadExactly(reader, sizeof(int), "the format version", subject));
        if (savedVersion != version)
            throw new InvalidDataException($"{subject} has format version {savedVersion}; this library reads version {version}.");
        long length = BitConverter.ToInt64(ReadExactly(reader, sizeof(long), "the payload length", subject));
        if (length <= 0 || length > Array.MaxLength)
            throw new InvalidDataException($"{subject} declares a payload of {length} bytes, which is impossible.");
        byte[] hash = ReadExactly(reader, HashSize, "the checksum", subject);
        byte[] payload = ReadPayload(stream, length, subject);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(hash))
            throw new InvalidDataException($"{subject} is corrupt: its checksum does not match its contents.");
        return payload;
    }

    /// <summary>Reads the declared payload without trusting its length: seekable streams are checked against the
    /// bytes they hold; others are read in chunks.</summary>
    private static byte[] ReadPayload(Stream stream, long length, string subject)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (length > remaining)
                throw new InvalidDataException($"{subject} is truncated: it declares a payload of {length} bytes, only {remaining} remain.");
            byte[] payload = new byte[length];
            stream.ReadExactly(payload);
            return payload;
        }
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[Math.Min(length, ChunkSize)];
        while (buffer.Length < length)
        {
            int read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, length - buffer.Length));
            if (read == 0)
                throw new InvalidDataException($"{subject} is truncated: it declares a payload of {length} bytes, only {buffer.Length} remain.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static byte[] ReadExactly(BinaryReader reader, int count, string what, string subject)
    {
        byte[] bytes = reader.ReadBytes(count);
        if (bytes.Length != count)
            throw new InvalidDataException($"{subject} is truncated: {what} needs {count} bytes, only {bytes.Length} remain.");
        return bytes;
    }
}
