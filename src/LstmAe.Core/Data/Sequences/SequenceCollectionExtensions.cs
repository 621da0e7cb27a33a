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
}
