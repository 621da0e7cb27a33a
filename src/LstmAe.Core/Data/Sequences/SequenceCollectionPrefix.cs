namespace LstmAe.Data;

/// <summary>The first <see cref="Count"/> sequences of another collection. Disposing it disposes the other.</summary>
public sealed class SequenceCollectionPrefix : ISequenceCollection
{
    private readonly ISequenceCollection _inner;

    /// <param name="inner">The sequences; owned from now on.</param>
    /// <param name="count">How many to keep; more than <paramref name="inner"/> holds keeps them all.</param>
    public SequenceCollectionPrefix(ISequenceCollection inner, int count)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _inner = inner;
        Count = Math.Min(count, inner.Count);
    }

    /// <inheritdoc/>
    public string Description => Count == _inner.Count ? _inner.Description : $"the first {Count} of {_inner.Description}";

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public int FrameCount => _inner.FrameCount;

    /// <inheritdoc/>
    public int FrameHeight => _inner.FrameHeight;

    /// <inheritdoc/>
    public int FrameWidth => _inner.FrameWidth;

    /// <inheritdoc/>
    public IReadOnlyList<string>? ClassNames => _inner.ClassNames;

    /// <inheritdoc/>
    public void ReadSequence(int index, Span<float> destination) => _inner.ReadSequence(CheckIndex(index), destination);

    /// <inheritdoc/>
    public int? Label(int index) => _inner.Label(CheckIndex(index));

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();

    private int CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return index;
    }
}
