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
    /// <param name="checkPrefix">Null, or called with the payload's first bytes (at most <paramref name="prefixLength"/>)
    /// and the declared length before the rest is read, to refuse a length its own header contradicts; it throws
    /// <see cref="InvalidDataException"/>.</param>
    /// <param name="prefixLength">How many bytes <paramref name="checkPrefix"/> needs at most.</param>
    public static byte[] Read(Stream stream, ReadOnlySpan<byte> magic, int version, string subject, string foreignMessage,
        Action<byte[], long>? checkPrefix = null, int prefixLength = 0)
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
        byte[] payload = ReadPayload(stream, length, subject, checkPrefix, prefixLength);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(hash))
            throw new InvalidDataException($"{subject} is corrupt: its checksum does not match its contents.");
        return payload;
    }

    /// <summary>Reads the declared payload without trusting its length: seekable streams are checked against the
    /// bytes they hold; others are read in chunks, so memory grows only with the bytes that arrive.</summary>
    private static byte[] ReadPayload(Stream stream, long length, string subject, Action<byte[], long>? checkPrefix, int prefixLength)
    {
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (length > remaining)
                throw new InvalidDataException($"{subject} is truncated: it declares a payload of {length} bytes, only {remaining} remain.");
        }
        using var buffer = new MemoryStream();
        if (checkPrefix is not null)
        {
            // What the stream holds of the prefix: a truncated one is reported after the check, like any other.
            byte[] prefix = new byte[Math.Min(length, prefixLength)];
            prefix = prefix[..stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false)];
            checkPrefix(prefix, length);
            buffer.Write(prefix);
        }
        if (stream.CanSeek)
        {
            byte[] payload = new byte[length];
            buffer.Position = 0;
            int start = buffer.Read(payload);
            stream.ReadExactly(payload, start, payload.Length - start);
            return payload;
        }
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
