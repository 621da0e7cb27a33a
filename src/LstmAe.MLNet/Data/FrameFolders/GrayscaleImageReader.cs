using Microsoft.ML.Data;

namespace LstmAe.MLNet.Data;

/// <summary>Decodes an image file with ML.NET's <see cref="MLImage"/> into grayscale floats in [0, 1].</summary>
internal static class GrayscaleImageReader
{
    // ITU-R BT.601 luma, the weights of PIL's "L" mode and OpenCV's RGB2GRAY.
    private const float RedWeight = 0.299f, GreenWeight = 0.587f, BlueWeight = 0.114f;

    /// <summary>Reads <paramref name="path"/>; alpha is ignored.</summary>
    /// <exception cref="InvalidDataException">The file cannot be decoded as an image.</exception>
    public static (float[] Pixels, int Height, int Width) Read(string path)
    {
        MLImage image;
        try
        {
            image = MLImage.CreateFromFile(path);
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
            int bytesPerPixel = image.BitsPerPixel / 8;
            ReadOnlySpan<byte> bytes = image.Pixels;
            var gray = new float[image.Height * image.Width];
            for (int i = 0; i < gray.Length; i++)
            {
                ReadOnlySpan<byte> pixel = bytes.Slice(i * bytesPerPixel, bytesPerPixel);
                gray[i] = (RedWeight * pixel[red] + GreenWeight * pixel[green] + BlueWeight * pixel[blue]) / 255f;
            }

            return (gray, image.Height, image.Width);
        }
    }
}
