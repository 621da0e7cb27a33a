using System.Buffers.Binary;

namespace LstmAe.MLNet.Data;

/// <summary>
/// The format and size an image file declares in its header, read without decoding it, so a tiny file declaring
/// 100000 x 100000 pixels is refused before the decoder allocates for it. Knows PNG, JPEG, GIF, BMP and WebP, the
/// formats ML.NET's image decoder reads for frame folders.
/// </summary>
/// <param name="Format">"PNG", "JPEG", "GIF", "BMP" or "WebP".</param>
/// <param name="Width">Columns, as declared.</param>
/// <param name="Height">Rows, as declared.</param>
internal readonly record struct ImageHeader(string Format, long Width, long Height)
{
    /// <summary>Width x height, or <see cref="long.MaxValue"/> when that does not fit (a header may declare up to
    /// 2^32 - 1 by 2^32 - 1).</summary>
    public long Pixels => Width > long.MaxValue / Height ? long.MaxValue : Width * Height;

    /// <summary>Reads the header at the start of <paramref name="file"/>.</summary>
    /// <param name="file">The whole file.</param>
    /// <param name="path">The file's path, for messages.</param>
    /// <exception cref="InvalidDataException">Not one of the known formats, or its header is cut short.</exception>
    public static ImageHeader Read(ReadOnlySpan<byte> file, string path)
    {
        ImageHeader? header = file switch
        {
            [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png(file),
            [0xFF, 0xD8, ..] => Jpeg(file),
            [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => Gif(file),
            [(byte)'B', (byte)'M', ..] => Bmp(file),
            [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => WebP(file),
            _ => throw new InvalidDataException(
                $"'{path}' is not a PNG, JPEG, GIF, BMP or WebP image (its first bytes are {Convert.ToHexString(file[..Math.Min(8, file.Length)])})."),
        };
        if (header is not { Width: > 0, Height: > 0 } valid)
        {
            throw new InvalidDataException($"'{path}' has a damaged or truncated image header (no positive width and height found).");
        }

        return valid;
    }

    // Signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
    private static ImageHeader? Png(ReadOnlySpan<byte> file) => file.Length >= 24 && file[12..16].SequenceEqual("IHDR"u8)
        ? new("PNG", BinaryPrimitives.ReadUInt32BigEndian(file[16..]), BinaryPrimitives.ReadUInt32BigEndian(file[20..]))
        : null;

    // Segments after SOI until a start-of-frame marker (C0-CF except DHT C4, JPG C8, DAC CC): length, precision,
    // height, width (big-endian).
    private static ImageHeader? Jpeg(ReadOnlySpan<byte> file)
    {
        int at = 2;
        while (at + 4 <= file.Length)
        {
            if (file[at] != 0xFF)
            {
                return null;
            }

            byte marker = file[at + 1];
            if (marker == 0xFF)
            {
                at++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                at += 2; // markers without a length
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(file[(at + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return at + 9 <= file.Length
                    ? new("JPEG", BinaryPrimitives.ReadUInt16BigEndian(file[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(file[(at + 5)..]))
                    : null;
            }

            if (marker == 0xDA || length < 2)
            {
                return null; // image data before any frame header
            }

            at += 2 + length;
        }

        return null;
    }

    // "GIF8?a", then the logical screen's width and height (little-endian).
    private static ImageHeader? Gif(ReadOnlySpan<byte> file) => file.Length >= 10
        ? new("GIF", BinaryPrimitives.ReadUInt16LittleEndian(file[6..]), BinaryPrimitives.ReadUInt16LittleEndian(file[8..]))
        : null;

    // File header (14 bytes), then the DIB header: 16-bit sizes in the old 12-byte core header, 32-bit ones (height
    // negative for top-down images) in every later one.
    private static ImageHeader? Bmp(ReadOnlySpan<byte> file)
    {
        if (file.Length < 26)
        {
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(file[14..]) == 12)
        {
            return new("BMP", BinaryPrimitives.ReadUInt16LittleEndian(file[18..]), BinaryPrimitives.ReadUInt16LittleEndian(file[20..]));
        }

        return new("BMP", BinaryPrimitives.ReadInt32LittleEndian(file[18..]), Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(file[22..])));
    }

    // RIFF container, then the first chunk: lossy "VP8 " (14-bit sizes), lossless "VP8L" (14-bit sizes minus one,
    // bit-packed) or extended "VP8X" (24-bit sizes minus one).
    private static ImageHeader? WebP(ReadOnlySpan<byte> file)
    {
        if (file.Length < 30)
        {
            return null;
        }

        ReadOnlySpan<byte> chunk = file[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            return new("WebP", BinaryPrimitives.ReadUInt16LittleEndian(file[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(file[28..]) & 0x3FFF);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(file[21..]);
            return new("WebP", 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF));
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            return new("WebP", 1 + (file[24] | (file[25] << 8) | (file[26] << 16)), 1 + (file[27] | (file[28] << 8) | (file[29] << 16)));
        }

        return null;
    }
}
