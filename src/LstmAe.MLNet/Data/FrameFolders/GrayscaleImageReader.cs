using LstmAe.IO;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Data;

/// <summary>Decodes an image file with ML.NET's <see cref="MLImage"/> into grayscale floats in [0, 1].</summary>
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
        byte[] file = ReadBounded(path, maxPixels > (Array.MaxLength - FileSlackBytes) / 8 ? Array.MaxLength : maxPixels * 8 + FileSlackBytes);
        ImageHeader header = ImageHeader.Read(file, path);
        if (header.Pixels > maxPixels)
        {
            throw new InvalidDataException(
                $"'{path}' is a {header.Format} image of {header.Width}x{header.Height} = {(ulong)header.Width * (ulong)header.Height} pixels; at most {maxPixels} are allowed " +
                $"({nameof(FrameFolderOptions)}.{nameof(FrameFolderOptions.MaxImagePixels)}).");
        }

        ImageCompleteness.Check(file, header, path);
        MLImage image;
        try
        {
            image = MLImage.CreateFromStream(new MemoryStream(file, writable: false));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or IOException)
        {
            // MLImage says "Invalid path (Parameter 'imagePath')" both for a missing file and for one its decoder
            // cannot read, which sends users looking at the path instead of the file's content.
            throw new InvalidDataException(File.Exists(path)
                ? $"'{path}' is not a readable image: ML.NET's image decoder (SkiaSharp: PNG, JPEG, BMP, GIF, WebP) could not decode it."
                : $"'{path}' could not be read as an image: the file no longer exists.", e);
        }

        using (image)
        {
            (int red, int green, int blue) = image.PixelFormat switch
            {
                MLPixelFormat.Bgra32 => (2, 1, 0),
                MLPixelFormat.Rgba32 => (0, 1, 2),
                _ => throw new InvalidDataException($"'{path}' decoded to unsupported pixel format {image.PixelFormat}."),
            };
            if (image.Width != header.Width || image.Height != header.Height)
            {
                throw new InvalidDataException($"'{path}' decoded to {image.Width}x{image.Height} pixels but its header declares {header.Width}x{header.Height}.");
            }

            int bytesPerPixel = image.BitsPerPixel / 8;
            ReadOnlySpan<byte> bytes = image.Pixels;
            var gray = new float[checked(image.Height * image.Width)];
            for (int i = 0; i < gray.Length; i++)
            {
                ReadOnlySpan<byte> pixel = bytes.Slice(i * bytesPerPixel, bytesPerPixel);
                gray[i] = (RedWeight * pixel[red] + GreenWeight * pixel[green] + BlueWeight * pixel[blue]) / 255f;
            }

            return (gray, image.Height, image.Width);
        }
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
