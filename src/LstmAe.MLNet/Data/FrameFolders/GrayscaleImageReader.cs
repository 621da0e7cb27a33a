using LstmAe.IO;
using SkiaSharp;

namespace LstmAe.MLNet.Data;

/// <summary>Decodes an image file with SkiaSharp, ML.NET's image decoder, into grayscale floats in [0, 1].</summary>
internal static class GrayscaleImageReader
{
    // ITU-R BT.601 luma, the weights of PIL's "L" mode and OpenCV's RGB2GRAY.
    private const float RedWeight = 0.299f, GreenWeight = 0.587f, BlueWeight = 0.114f;

    /// <summary>Bytes a frame file may hold beyond 8 per allowed pixel (metadata, poorly compressed data).</summary>
    private const long FileSlackBytes = 16 << 20;

    /// <summary>
    /// Reads <paramref name="path"/>; alpha is ignored. The file is read once into memory and its header checked
    /// against <paramref name="maxPixels"/> before the same bytes are decoded, so the limit holds even if the file
    /// changes meanwhile.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is too large, declares more pixels than allowed, is a truncated
    /// PNG or JPEG, or cannot be decoded as an image; the message names it.</exception>
    public static (float[] Pixels, int Height, int Width) Read(string path, long maxPixels)
    {
        ImageHeader header = ReadHeader(path, maxPixels, out byte[] file);
        ImageCompleteness.Check(file, header, path);
        // SkiaSharp (ML.NET's image decoder) decodes into unpremultiplied RGBA here: MLImage premultiplies by alpha,
        // which turns every transparent pixel black whatever colour it holds.
        using var data = SKData.CreateCopy(file);
        using SKCodec? codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new InvalidDataException(
                $"'{path}' is not a readable image: ML.NET's image decoder (SkiaSharp: PNG, JPEG, BMP, GIF, WebP) could not decode it.");
        }

        if (codec.Info.Width != header.Width || codec.Info.Height != header.Height)
        {
            throw new InvalidDataException($"'{path}' decoded to {codec.Info.Width}x{codec.Info.Height} pixels but its header declares {header.Width}x{header.Height}.");
        }

        int width = checked((int)header.Width), height = checked((int)header.Height);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not SKCodecResult.Success)
        {
            throw new InvalidDataException(result == SKCodecResult.IncompleteInput
                ? $"'{path}' is truncated: its image data ends before the last pixel."
                : $"'{path}' is not a readable image: SkiaSharp could not decode it ({result}).");
        }

        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        var gray = new float[checked(height * width)];
        for (int i = 0; i < gray.Length; i++)
        {
            ReadOnlySpan<byte> pixel = rgba.Slice(i * 4, 3);
            gray[i] = (RedWeight * pixel[0] + GreenWeight * pixel[1] + BlueWeight * pixel[2]) / 255f;
        }

        return (gray, height, width);
    }

    /// <summary>The size <paramref name="path"/>'s header declares, checked against <paramref name="maxPixels"/>,
    /// without decoding the image.</summary>
    /// <exception cref="InvalidDataException">As <see cref="Read"/>, for the header.</exception>
    public static (int Height, int Width) ReadSize(string path, long maxPixels)
    {
        ImageHeader header = ReadHeader(path, maxPixels, out _);
        return (checked((int)header.Height), checked((int)header.Width));
    }

    private static ImageHeader ReadHeader(string path, long maxPixels, out byte[] file)
    {
        file = ReadBounded(path, maxPixels > (Array.MaxLength - FileSlackBytes) / 8 ? Array.MaxLength : maxPixels * 8 + FileSlackBytes);
        ImageHeader header = ImageHeader.Read(file, path);
        if (header.Pixels > maxPixels)
        {
            throw new InvalidDataException(
                $"'{path}' is a {header.Format} image of {header.Width}x{header.Height} = {(ulong)header.Width * (ulong)header.Height} pixels; at most {maxPixels} are allowed " +
                $"({nameof(FrameFolderOptions)}.{nameof(FrameFolderOptions.MaxImagePixels)}).");
        }

        return header;
    }

    private static byte[] ReadBounded(string path, long maxBytes)
    {
        ReadableFile.RequireRegular(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        long length = stream.Length;
        if (length > maxBytes)
        {
            throw new InvalidDataException($"'{path}' holds {length} bytes, more than a frame image within the pixel limit needs ({maxBytes}).");
        }

        byte[] file = new byte[length];
        int read = stream.ReadAtLeast(file, file.Length, throwOnEndOfStream: false);
        return read == file.Length ? file : file[..read];
    }
}
