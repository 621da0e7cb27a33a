using ImageMagick;

namespace LstmAe.Samples.Tests.Visualization;

/// <summary>Decodes written pictures back and checks them.</summary>
internal static class ImageAssert
{
    public static byte GreyAt(IMagickImage<byte> image, int x, int y)
    {
        using var pixels = image.GetPixels();
        return pixels.GetPixel(x, y).GetChannel(0);
    }

    /// <summary>Decodes a PNG file and checks its format and size.</summary>
    public static MagickImage IsPng(string path, int? width = null, int? height = null)
    {
        Assert.IsTrue(File.Exists(path), $"{path} was not written.");
        var image = new MagickImage(path);
        Assert.AreEqual(MagickFormat.Png, image.Format, path);
        if (width is not null)
        {
            Assert.AreEqual((uint)width, image.Width, path);
        }
        if (height is not null)
        {
            Assert.AreEqual((uint)height, image.Height, path);
        }
        return image;
    }

    /// <summary>Decodes an animated GIF file, coalesced so that every frame is a whole picture.</summary>
    public static MagickImageCollection IsAnimatedGif(string path, int frames)
    {
        Assert.IsTrue(File.Exists(path), $"{path} was not written.");
        var animation = new MagickImageCollection(path);
        Assert.AreEqual(frames, animation.Count, path);
        Assert.IsTrue(animation.All(frame => frame.Format == MagickFormat.Gif), path);
        animation.Coalesce();
        return animation;
    }
}
