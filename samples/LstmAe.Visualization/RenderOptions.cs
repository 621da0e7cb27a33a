namespace LstmAe.Visualization;

/// <summary>How frames are laid out in the pictures.</summary>
public sealed record RenderOptions
{
    /// <summary>Each frame pixel becomes a square of this many image pixels (nearest neighbour).</summary>
    public int Scale { get; init; } = 2;

    /// <summary>Image pixels between neighbouring frames.</summary>
    public int Gap { get; init; } = 2;

    /// <summary>How long each frame of an animated GIF is shown, in milliseconds (GIFs count in hundredths).</summary>
    public int FrameDelayMilliseconds { get; init; } = 250;

    /// <summary>The default layout.</summary>
    public static RenderOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a non-positive scale or delay or a negative gap.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Scale, nameof(Scale));
        ArgumentOutOfRangeException.ThrowIfNegative(Gap, nameof(Gap));
        ArgumentOutOfRangeException.ThrowIfLessThan(FrameDelayMilliseconds, 10, nameof(FrameDelayMilliseconds));
    }
}
