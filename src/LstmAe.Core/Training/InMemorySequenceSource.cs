namespace LstmAe.Training;

/// <summary>
/// Sequences held in one array, row after row, served in a fresh shuffled order each epoch. The order depends only
/// on the seed and the epoch, so a resumed run sees the same minibatches as an uninterrupted one.
/// </summary>
public sealed class InMemorySequenceSource : ISequenceSource
{
    private readonly float[] _sequences;
    private readonly bool _shuffle;
    private readonly int _seed;

    /// <summary>Wraps <paramref name="sequences"/> (not copied; do not change it while training).</summary>
    /// <param name="sequences">count x <paramref name="sequenceLength"/> floats.</param>
    /// <param name="sequenceLength">Floats per sequence.</param>
    /// <param name="shuffle">Serve a different random order each epoch; false keeps the stored order.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <exception cref="ArgumentException">The array is empty or not a whole number of sequences.</exception>
    public InMemorySequenceSource(float[] sequences, int sequenceLength, bool shuffle = true, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        if (sequences.Length == 0 || sequences.Length % sequenceLength != 0)
        {
            throw new ArgumentException(
                $"Expected a positive whole number of sequences of {sequenceLength} floats; got {sequences.Length} floats.",
                nameof(sequences));
        }

        _sequences = sequences;
        SequenceLength = sequenceLength;
        _shuffle = shuffle;
        _seed = seed;
    }

    /// <inheritdoc/>
    public int SequenceLength { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => _sequences.Length / SequenceLength;

    /// <inheritdoc/>
    public long? CountWithoutReading(CancellationToken cancellationToken) => Count;

    /// <inheritdoc/>
    public IEnumerable<ReadOnlyMemory<float>> Read(int epoch)
    {
        IEnumerable<int> order = _shuffle ? EpochOrder.Indices(0, Count, _seed, epoch) : Enumerable.Range(0, Count);
        foreach (int index in order)
            yield return _sequences.AsMemory(index * SequenceLength, SequenceLength);
    }
}
