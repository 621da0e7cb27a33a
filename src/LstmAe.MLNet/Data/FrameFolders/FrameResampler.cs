namespace LstmAe.MLNet.Data;

/// <summary>
/// Resizes a grayscale float frame. Separable: each output pixel is a weighted sum along rows, then along columns.
/// Shrinking an axis averages the source pixels each output pixel covers (area, like OpenCV's INTER_AREA, so
/// thin strokes are not skipped); enlarging interpolates linearly between pixel centres.
/// </summary>
internal sealed class FrameResampler
{
    private readonly Tap[][] _rowTaps;
    private readonly Tap[][] _columnTaps;
    private readonly float[] _columnsDone;

    public FrameResampler(int sourceHeight, int sourceWidth, int height, int width)
    {
        (SourceHeight, SourceWidth, Height, Width) = (sourceHeight, sourceWidth, height, width);
        _rowTaps = AxisTaps(sourceHeight, height);
        _columnTaps = AxisTaps(sourceWidth, width);
        _columnsDone = new float[sourceHeight * width];
    }

    public int SourceHeight { get; }

    public int SourceWidth { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Resizes <paramref name="source"/> (SourceHeight x SourceWidth) into <paramref name="destination"/> (Height x Width).
    /// Not thread-safe: it reuses one scratch buffer.</summary>
    public void Resample(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (int r = 0; r < SourceHeight; r++)
        {
            ReadOnlySpan<float> row = source.Slice(r * SourceWidth, SourceWidth);
            for (int c = 0; c < Width; c++)
            {
                _columnsDone[r * Width + c] = Apply(_columnTaps[c], row, stride: 1);
            }
        }

        for (int r = 0; r < Height; r++)
        {
            for (int c = 0; c < Width; c++)
            {
                destination[r * Width + c] = Apply(_rowTaps[r], _columnsDone.AsSpan(c), stride: Width);
            }
        }
    }

    private static float Apply(Tap[] taps, ReadOnlySpan<float> line, int stride)
    {
        float sum = 0;
        foreach (Tap tap in taps)
        {
            sum += tap.Weight * line[tap.Source * stride];
        }

        return sum;
    }

    private static Tap[][] AxisTaps(int sourceLength, int length)
    {
        var taps = new Tap[length][];
        double scale = (double)sourceLength / length;
        for (int i = 0; i < length; i++)
        {
            taps[i] = length <= sourceLength ? AreaTaps(i, scale) : LinearTaps(i, scale, sourceLength);
        }

        return taps;
    }

    // Output pixel i covers source interval [i * scale, (i + 1) * scale); each source pixel weighs its overlap.
    private static Tap[] AreaTaps(int i, double scale)
    {
        double start = i * scale, end = (i + 1) * scale;
        var taps = new List<Tap>();
        for (int s = (int)Math.Floor(start); s < end; s++)
        {
            double overlap = Math.Min(end, s + 1) - Math.Max(start, s);
            if (overlap > 1e-9)
            {
                taps.Add(new Tap(s, (float)(overlap / scale)));
            }
        }

        return [.. taps];
    }

    // Output pixel centre i + 0.5 maps to source coordinate (i + 0.5) * scale - 0.5, clamped to the edge pixels.
    private static Tap[] LinearTaps(int i, double scale, int sourceLength)
    {
        double x = Math.Clamp((i + 0.5) * scale - 0.5, 0, sourceLength - 1);
        int left = (int)x;
        int right = Math.Min(left + 1, sourceLength - 1);
        float fraction = (float)(x - left);
        return [new Tap(left, 1 - fraction), new Tap(right, fraction)];
    }

    private readonly record struct Tap(int Source, float Weight);
}
