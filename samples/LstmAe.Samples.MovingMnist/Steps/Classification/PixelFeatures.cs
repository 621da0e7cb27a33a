namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>Per-pixel summaries of a clip over time: the simple baselines a video representation must beat.</summary>
internal static class PixelFeatures
{
    /// <summary>The mean input frame: where the digit spent its time, its shape blurred along the path.</summary>
    public static ChunkFeatures MeanFrame(int frames, int frameSize) => (pixels, count, destination) =>
        Reduce(pixels, count, frames, frameSize, destination, (a, b) => a + b, 1f / frames);

    /// <summary>The brightest value of each pixel over the input frames: the digit's trail, sharp at every position.</summary>
    public static ChunkFeatures MaxOverTime(int frames, int frameSize) => (pixels, count, destination) =>
        Reduce(pixels, count, frames, frameSize, destination, MathF.Max, 1f);

    private static void Reduce(ReadOnlySpan<float> pixels, int count, int frames, int frameSize, Span<float> destination,
        Func<float, float, float> combine, float scale)
    {
        for (int clip = 0; clip < count; clip++)
        {
            ReadOnlySpan<float> source = pixels.Slice(clip * frames * frameSize, frames * frameSize);
            Span<float> target = destination.Slice(clip * frameSize, frameSize);
            source[..frameSize].CopyTo(target);
            for (int t = 1; t < frames; t++)
            {
                ReadOnlySpan<float> frame = source.Slice(t * frameSize, frameSize);
                for (int p = 0; p < frameSize; p++)
                {
                    target[p] = combine(target[p], frame[p]);
                }
            }
            for (int p = 0; p < frameSize; p++)
            {
                target[p] *= scale;
            }
        }
    }
}
