namespace LstmAe.Data;

/// <summary>Helpers on <see cref="ISequenceCollection"/>.</summary>
public static class SequenceCollectionExtensions
{
    /// <summary>Floats in one sequence of <paramref name="data"/>.</summary>
    public static int SequenceLength(this ISequenceCollection data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return checked(data.FrameCount * data.FrameHeight * data.FrameWidth);
    }

    /// <summary>The first <paramref name="count"/> sequences (all when null or larger); takes ownership of
    /// <paramref name="data"/>.</summary>
    public static ISequenceCollection Take(this ISequenceCollection data, int? count) =>
        count is { } n && n < data.Count ? new SequenceCollectionPrefix(data, n) : data;

    /// <summary>The first <paramref name="frames"/> frames of each sequence (all when null or equal); takes ownership
    /// of <paramref name="data"/>. For sequences longer than a model reads: a model takes its input frames, or its
    /// input and future frames, and nothing else.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> is below 1 or above
    /// <paramref name="data"/>'s FrameCount.</exception>
    public static ISequenceCollection TakeFrames(this ISequenceCollection data, int? frames)
    {
        ArgumentNullException.ThrowIfNull(data);
        return frames is { } n && n != data.FrameCount ? new SequenceCollectionLeadingFrames(data, n) : data;
    }
}
