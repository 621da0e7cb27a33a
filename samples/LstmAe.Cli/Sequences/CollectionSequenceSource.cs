using LstmAe.Training;

namespace LstmAe.Cli.Sequences;

/// <summary>
/// Feeds a range of an <see cref="ISequenceCollection"/> to the trainer, reading each sequence when it is needed
/// (generated data never sits in memory whole), in a shuffled order that depends only on the seed and the epoch,
/// so a resumed run sees the same minibatches as an uninterrupted one.
/// </summary>
internal sealed class CollectionSequenceSource : ISequenceSource
{
    private readonly ISequenceCollection _data;
    private readonly int _first, _count, _seed;
    private readonly bool _shuffle;
    private readonly float[] _sequence;

    /// <param name="data">The sequences.</param>
    /// <param name="first">First sequence of the range.</param>
    /// <param name="count">Sequences in the range.</param>
    /// <param name="frames">Leading frames of each sequence to serve.</param>
    /// <param name="shuffle">Serve a new random order each epoch.</param>
    /// <param name="seed">Seed of the order.</param>
    public CollectionSequenceSource(ISequenceCollection data, int first, int count, int frames, bool shuffle, int seed)
    {
        _data = data;
        (_first, _count, _shuffle, _seed) = (first, count, shuffle, seed);
        SequenceLength = frames * data.FrameHeight * data.FrameWidth;
        _sequence = new float[data.FrameCount * data.FrameHeight * data.FrameWidth];
    }

    public int SequenceLength { get; }

    public IEnumerable<ReadOnlyMemory<float>> Read(int epoch)
    {
        IEnumerable<int> order = _shuffle ? EpochOrder.Indices(_first, _count, _seed, epoch) : Enumerable.Range(_first, _count);
        foreach (int index in order)
        {
            // The buffer is reused: ISequenceSource lets the memory of an item change once the enumerator moves on.
            _data.Read(index, _sequence);
            yield return _sequence.AsMemory(0, SequenceLength);
        }
    }
}
