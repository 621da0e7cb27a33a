using LstmAe.Tests.Shared;
using SkiaSharp;

namespace LstmAe.MLNet.Tests.Support;

/// <summary>Writes sequences of small PNG frames: a square whose place and brightness depend on the class.</summary>
internal static class FrameFolderFiles
{
    public const int Frames = 4, Size = 6;

    /// <summary>Writes the frames of one sequence of class <paramref name="classIndex"/> under <paramref name="folder"/>.</summary>
    public static void WriteSequence(TempDirectory temp, string folder, int classIndex, int variant)
    {
        for (int t = 0; t < Frames; t++)
        {
            using var bitmap = new SKBitmap(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul);
            bitmap.Erase(SKColors.Black);
            byte grey = (byte)(140 + 50 * classIndex + 5 * variant);
            int x = (classIndex * 2 + t) % (Size - 1), y = (classIndex + variant) % (Size - 1);
            for (int dy = 0; dy < 2; dy++)
            {
                for (int dx = 0; dx < 2; dx++)
                    bitmap.SetPixel(x + dx, y + dy, new SKColor(grey, grey, grey));
            }

            using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            temp.Write($"{folder}/frame{t}.png", data.ToArray());
        }
    }
}
