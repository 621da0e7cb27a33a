using System.Buffers.Binary;
using System.IO.Compression;
using LstmAe.IO;

namespace LstmAe.Data;

/// <summary>
/// Reads the IDX files MNIST and Fashion-MNIST are published in: idx3-ubyte images and idx1-ubyte labels, raw or
/// gzip-compressed (detected by the gzip magic bytes, not by the file name).
/// </summary>
/// <remarks>
/// Format (big-endian): two zero bytes, an element type (0x08 = unsigned byte), the number of dimensions, one
/// 32-bit size per dimension, then the elements.
/// </remarks>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;
    private const int MagicLength = 4;
    private const int DimensionLength = 4;

    /// <summary>Reads an idx3-ubyte image file (images x rows x columns).</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <exception cref="InvalidDataException">The file is not an idx3-ubyte file or is truncated; the message names the file and the offset.</exception>
    public static IdxImages ReadImages(string path) => ReadImages(path, checkCount: null);

    /// <summary>Reads an idx3-ubyte image file, refusing its image count before the pixels are read.</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <param name="checkCount">Called with the number of images the header declares, before any is read.</param>
    internal static IdxImages ReadImages(string path, Action<long>? checkCount)
    {
        using FileStream stream = ReadableFile.OpenRead(path);
        int[] sizes = Read(stream, path, expectedDimensions: 3, out byte[] pixels, checkCount);
        return new IdxImages(sizes[0], sizes[1], sizes[2], pixels);
    }

    /// <summary>Reads an idx3-ubyte image file from a seekable stream (raw or gzip).</summary>
    /// <param name="stream">Positioned at the start of the file; must be seekable so the gzip magic can be peeked.</param>
    /// <param name="sourceName">Names the source in error messages.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="sourceName"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not seekable.</exception>
    /// <exception cref="InvalidDataException">The data is not an idx3-ubyte file, is truncated, or declares more elements
    /// than one array holds; the message names the source.</exception>
    public static IdxImages ReadImages(Stream stream, string sourceName)
    {
        int[] sizes = Read(stream, sourceName, expectedDimensions: 3, out byte[] pixels);
        return new IdxImages(sizes[0], sizes[1], sizes[2], pixels);
    }

    /// <summary>Reads an idx1-ubyte label file.</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <exception cref="InvalidDataException">The file is not an idx1-ubyte file or is truncated; the message names the file and the offset.</exception>
    public static byte[] ReadLabels(string path) => ReadLabels(path, checkCount: null);

    /// <summary>Reads an idx1-ubyte label file, refusing its length before the labels are read.</summary>
    /// <param name="path">The file, raw or gzip.</param>
    /// <param name="checkCount">Called with the number of labels the header declares, before any is read: a small
    /// gzip file can declare and hold hundreds of millions.</param>
    internal static byte[] ReadLabels(string path, Action<long>? checkCount)
    {
        using FileStream stream = ReadableFile.OpenRead(path);
        Read(stream, path, expectedDimensions: 1, out byte[] labels, checkCount);
        return labels;
    }

    /// <summary>Reads an idx1-ubyte label file from a seekable stream (raw or gzip).</summary>
    /// <param name="stream">Positioned at the start of the file; must be seekable so the gzip magic can be peeked.</param>
    /// <param name="sourceName">Names the source in error messages.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="sourceName"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not seekable.</exception>
    /// <exception cref="InvalidDataException">The data is not an idx1-ubyte file, is truncated, or declares more elements
    /// than one array holds; the message names the source.</exception>
    public static byte[] ReadLabels(Stream stream, string sourceName)
    {
        Read(stream, sourceName, expectedDimensions: 1, out byte[] labels);
        return labels;
    }

    private static int[] Read(Stream stream, string sourceName, int expectedDimensions, out byte[] elements, Action<long>? checkCount = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable, so the gzip magic bytes can be peeked.", nameof(stream));
        }

        bool gzip = GzipDetector.IsGzip(stream);
        string source = gzip ? $"'{sourceName}' (after gzip decompression)" : $"'{sourceName}'";
        Stream content = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
        try
        {
            int[] sizes = ReadHeader(content, source, expectedDimensions);
            checkCount?.Invoke(sizes[0]);
            // Saturating product: stops growing past the limit, so it cannot overflow.
            long count = sizes.Aggregate(1L, (product, size) => Math.Min(product * size, Array.MaxLength + 1L));
            if (count > Array.MaxLength)
            {
                throw new InvalidDataException($"{source} declares sizes {string.Join(" x ", sizes)}, more elements than one array can hold.");
            }

            int headerLength = MagicLength + DimensionLength * expectedDimensions;
            long available = gzip ? long.MaxValue : Math.Max(0, stream.Length - stream.Position);
            if (available < count)
            {
                throw new InvalidDataException(
                    $"{source} is truncated: the header declares {count} bytes of data from offset {headerLength}, but only {available} follow.");
            }

            elements = ReadElements(content, (int)count, out int read);
            if (read < count)
            {
                throw new InvalidDataException(
                    $"{source} is truncated: the header declares {count} bytes of data from offset {headerLength}, but only {read} follow.");
            }

            return sizes;
        }
        catch (InvalidDataException e) when (GzipDetector.IsDecoderError(e))
        {
            throw GzipDetector.Damaged(sourceName, e);
        }
        finally
        {
            if (gzip)
            {
                content.Dispose();
            }
        }
    }

    /// <summary>Reads up to <paramref name="count"/> bytes into a buffer that grows (from 1 MiB, doubling) only as
    /// data arrives, so a header that lies about the size of a gzip stream cannot force a large allocation.</summary>
    private static byte[] ReadElements(Stream content, int count, out int read)
    {
        const int FirstChunk = 1 << 20;
        var buffer = new byte[Math.Min(count, FirstChunk)];
        read = 0;
        while (true)
        {
            read += content.ReadAtLeast(buffer.AsSpan(read), buffer.Length - read, throwOnEndOfStream: false);
            if (read < buffer.Length || buffer.Length == count)
            {
                return buffer;
            }

            Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
        }
    }

    private static int[] ReadHeader(Stream content, string source, int expectedDimensions)
    {
        Span<byte> magic = stackalloc byte[MagicLength];
        int read = content.ReadAtLeast(magic, MagicLength, throwOnEndOfStream: false);
        if (read < MagicLength)
        {
            throw new InvalidDataException($"{source} is not an IDX file: it ends after {read} bytes, before the 4-byte magic number.");
        }

        uint expectedMagic = (uint)(UnsignedByteType << 8 | expectedDimensions);
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new InvalidDataException(
                $"{source} is not an IDX file: magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8} at offset 0, expected 0x{expectedMagic:X8}.");
        }

        if (magic[2] != UnsignedByteType)
        {
            throw new InvalidDataException(
                $"{source} holds IDX elements of type 0x{magic[2]:X2} (offset 2); only unsigned bytes (0x08) are supported.");
        }

        if (magic[3] != expectedDimensions)
        {
            string expected = expectedDimensions == 3 ? "3 (images x rows x columns)" : "1 (labels)";
            throw new InvalidDataException($"{source} has {magic[3]} dimensions (offset 3), expected {expected}.");
        }

        var sizes = new int[expectedDimensions];
        Span<byte> size = stackalloc byte[DimensionLength];
        for (int d = 0; d < sizes.Length; d++)
        {
            int offset = MagicLength + d * DimensionLength;
            if (content.ReadAtLeast(size, DimensionLength, throwOnEndOfStream: false) < DimensionLength)
            {
                throw new InvalidDataException($"{source} is truncated in its header: dimension {d} at offset {offset} is missing.");
            }

            sizes[d] = BinaryPrimitives.ReadInt32BigEndian(size);
            if (sizes[d] < 0 || (d > 0 && sizes[d] == 0))
            {
                throw new InvalidDataException($"{source} declares size {sizes[d]} for dimension {d} (offset {offset}).");
            }
        }

        return sizes;
    }
}
