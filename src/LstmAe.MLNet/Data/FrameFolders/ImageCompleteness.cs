using System.Buffers.Binary;
using System.IO.Compression;

namespace LstmAe.MLNet.Data;

/// <summary>
/// Refuses truncated PNG and JPEG files before they are decoded, naming what is missing: a decoder can fill the rows it
/// never received with black (or gray) and still report success, so a cut-off frame would silently become a different
/// picture. (Other formats are left to the decoder, which reports incomplete input.)
/// </summary>
internal static class ImageCompleteness
{
    // PNG filter method 0 prefixes every row with a filter-type byte. Adam7 passes: x start, y start, x step, y step.
    private static readonly (int X, int Y, int StepX, int StepY)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private static ReadOnlySpan<byte> EndOfImage => [0xFF, 0xD9];

    /// <summary>Checks a PNG or JPEG file whose <paramref name="header"/> was read; other formats pass unchecked.</summary>
    /// <exception cref="InvalidDataException">The file is cut short or its image data is incomplete; the message
    /// names the file and what is missing.</exception>
    public static void Check(byte[] file, ImageHeader header, string path)
    {
        if (header.Format == "PNG")
        {
            CheckPng(file, header, path);
        }
        else if (header.Format == "JPEG")
        {
            CheckJpeg(file, path);
        }
    }

    /// <summary>Every chunk lies within the file, the last is IEND, and the IDAT data inflates to all the rows the
    /// header declares.</summary>
    private static void CheckPng(byte[] file, ImageHeader header, string path)
    {
        using var imageData = new MemoryStream();
        int at = 8;
        while (true)
        {
            if (at + 12 > file.Length)
            {
                throw new InvalidDataException($"'{path}' is a truncated PNG: it ends at offset {file.Length} before its IEND chunk.");
            }

            long length = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            if (at + 12 + length > file.Length)
            {
                throw new InvalidDataException(
                    $"'{path}' is a truncated PNG: its {type} chunk at offset {at} declares {length} bytes, but the file ends at offset {file.Length}.");
            }

            if (at == 8 && length != 13)
            {
                throw new InvalidDataException($"'{path}' is a damaged PNG: its IHDR chunk holds {length} bytes instead of 13.");
            }

            if (type == "IDAT")
            {
                imageData.Write(file, at + 8, (int)length);
            }
            else if (type == "IEND")
            {
                break;
            }

            at += 12 + (int)length;
        }

        long expected = PngDataLength(file, header);
        imageData.Position = 0;
        long inflated = InflatedLength(imageData, expected, path);
        if (inflated < expected)
        {
            throw new InvalidDataException(
                $"'{path}' is a truncated PNG: its image data holds {inflated} of the {expected} bytes its {header.Width}x{header.Height} header declares (rows are missing).");
        }
    }

    /// <summary>Bytes of filtered image data the IHDR declares: every row (of every interlace pass) with its filter byte.</summary>
    private static long PngDataLength(byte[] file, ImageHeader header)
    {
        int bitDepth = file[24], colorType = file[25], interlace = file[28];
        int channels = colorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
        long RowBytes(long width) => 1 + ((width * channels * bitDepth) + 7) / 8;
        if (interlace == 0)
        {
            return header.Height * RowBytes(header.Width);
        }

        long total = 0;
        foreach (var (x, y, stepX, stepY) in Adam7)
        {
            long width = (header.Width - x + stepX - 1) / stepX, height = (header.Height - y + stepY - 1) / stepY;
            total += width > 0 && height > 0 ? height * RowBytes(width) : 0;
        }

        return total;
    }

    /// <summary>Inflates the zlib stream, counting at most <paramref name="limit"/> bytes.</summary>
    private static long InflatedLength(Stream zlib, long limit, string path)
    {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try
        {
            using var inflater = new ZLibStream(zlib, CompressionMode.Decompress);
            for (int read; total < limit && (read = inflater.Read(buffer, 0, (int)Math.Min(buffer.Length, limit - total))) > 0;)
            {
                total += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is a damaged PNG: its image data does not inflate ({e.Message}).", e);
        }

        return total;
    }

    /// <summary>The image data that follows the first start-of-scan marker ends with an end-of-image marker.</summary>
    private static void CheckJpeg(byte[] file, string path)
    {
        int at = 2;
        while (at + 4 <= file.Length && file[at] == 0xFF && file[at + 1] != 0xDA)
        {
            byte marker = file[at + 1];
            at += marker == 0xFF ? 1 : marker is 0x01 or (>= 0xD0 and <= 0xD7) ? 2 : 2 + BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(at + 2));
        }

        if (at + 4 > file.Length || file[at] != 0xFF || file.AsSpan(at).IndexOf(EndOfImage) < 0)
        {
            throw new InvalidDataException($"'{path}' is a truncated JPEG: no end-of-image marker (FF D9) follows its image data.");
        }
    }
}
