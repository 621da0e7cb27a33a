using LstmAe.Data;

namespace LstmAe.Training;

/// <summary>
/// Feeds a range of an <see cref="ISequenceCollection"/> to the trainer, reading each sequence when it is needed
/// (generated or on-disk data never sits in memory whole), in an order shuffled by index every epoch: the order
/// depends only on the seed and the epoch (<see cref="EpochOrder"/>), so a resumed run sees the same minibatches as
/// an uninterrupted one, whatever the collection is.
/// </summary>
public sealed class SequenceCollectionSource : ISequenceSource
{
    private readonly ISequenceCollection _data;
    private readonly int _first, _count, _seed;
    private readonly bool _shuffle;

    /// <param name="data">The sequences; not owned.</param>
    /// <param name="first">First sequence of the range.</param>
    /// <param name="count">Sequences in the range.</param>
    /// <param name="frames">Leading frames of each sequence to serve, at most <see cref="ISequenceCollection.FrameCount"/>.</param>
    /// <param name="shuffle">Serve a new random order each epoch; false keeps index order (e.g. for validation).</param>
    /// <param name="seed">Seed of the order.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range or frame count does not fit the collection.</exception>
    public SequenceCollectionSource(ISequenceCollection data, int first, int count, int frames, bool shuffle, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + (long)count, data.Count, nameof(count));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frames, data.FrameCount);
        _data = data;
        (_first, _count, _shuffle, _seed) = (first, count, shuffle, seed);
        SequenceLength = checked(frames * data.FrameHeight * data.FrameWidth);
    }

    /// <summary>All of <paramref name="data"/>, every frame, shuffled each epoch.</summary>
    public SequenceCollectionSource(ISequenceCollection data, int seed = 0)
        : this(data, 0, data?.Count ?? 0, data?.FrameCount ?? 1, shuffle: true, seed)
    {
    }

    /// <inheritdoc/>
    public int SequenceLength { get; }

    /// <inheritdoc/>
    public long? CountWithoutReading(CancellationToken cancellationToken) => _count;

    /// <summary>The collection's indices served in <paramref name="epoch"/>, in order.</summary>
    public IEnumerable<int> Order(int epoch) =>
        _shuffle ? EpochOrder.Indices(_first, _count, _seed, epoch) : Enumerable.Range(_first, _count);

    /// <inheritdoc/>
    public IEnumerable<ReadOnlyMemory<float>> Read(int epoch)
    {
        var sequence = new float[_data.SequenceLength()];
        foreach (int index in Order(epoch))
        {
            // The buffer is reused: ISequenceSource lets the memory of an item change once the enumerator moves on.
            _data.ReadSequence(index, sequence);
            yield return sequence.AsMemory(0, SequenceLength);
        }
    }
}
