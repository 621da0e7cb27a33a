using ImageMagick;

namespace LstmAe.Visualization;

/// <summary>An 8-bit grey image under construction: frames are pasted in, then it becomes a Magick image.</summary>
/// <remarks>Staying grey keeps GIFs within their 256-colour palette, so frames are stored without dithering.</remarks>
internal sealed class GreyCanvas
{
    /// <summary>The grey between frames: mid-grey, so the black frame backgrounds stay visibly apart.</summary>
    public const byte Background = 128;

    private readonly byte[] _pixels;

    public GreyCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = new byte[width * height];
        _pixels.AsSpan().Fill(Background);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Pastes a frame with its top-left corner at (<paramref name="left"/>, <paramref name="top"/>), each
    /// pixel scaled up to a square; an empty span paints the frame's area black.</summary>
    public void DrawFrame(ReadOnlySpan<float> frame, int frameHeight, int frameWidth, int left, int top, int scale)
    {
        for (int row = 0; row < frameHeight * scale; row++)
        {
            var line = _pixels.AsSpan((top + row) * Width + left, frameWidth * scale);
            for (int column = 0; column < line.Length; column++)
            {
                line[column] = frame.IsEmpty ? (byte)0 : ToByte(frame[row / scale * frameWidth + column / scale]);
            }
        }
    }

    public MagickImage ToImage()
    {
        var rgb = new byte[_pixels.Length * 3];
        for (int i = 0; i < _pixels.Length; i++)
        {
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = _pixels[i];
        }
        var image = new MagickImage(rgb, new PixelReadSettings((uint)Width, (uint)Height, StorageType.Char, PixelMapping.RGB));
        image.ColorType = ColorType.Grayscale;
        return image;
    }

    /// <summary>Clips to [0, 1] (NaN counts as 0) and rounds to 0..255.</summary>
    private static byte ToByte(float value) => float.IsNaN(value) ? (byte)0 : (byte)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f);
}
