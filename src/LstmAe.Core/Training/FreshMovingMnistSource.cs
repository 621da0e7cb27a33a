using LstmAe.Data;

namespace LstmAe.Training;

/// <summary>
/// Trains on Moving MNIST clips that never repeat: epoch e serves clips [e x n, (e + 1) x n) of a
/// <see cref="EndlessMovingMnist"/>, n = <c>sequencesPerEpoch</c>, so every step sees new sequences, as the paper
/// trained. Clips are rendered in chunks on several threads, the next chunk while the trainer reads the current one;
/// which clips are served, and in which order, depends only on the options and the epoch, not on the thread count,
/// so a resumed run sees the minibatches of an uninterrupted one.
/// </summary>
public sealed class FreshMovingMnistSource : ISequenceSource
{
    /// <summary>Clips rendered per chunk: a few minibatches, 21 MB of floats at 64 x 64 x 20.</summary>
    private const int ChunkSequences = 64;

    private readonly EndlessMovingMnist _stream;
    private readonly long _sequencesPerEpoch;
    private readonly int _maxDegreeOfParallelism;

    /// <param name="options">Generator settings (digits, split, seed, sizes); <see cref="MovingMnistOptions.SequenceCount"/> is not used.</param>
    /// <param name="sequencesPerEpoch">Clips per epoch; with <see cref="TrainingOptions.Epochs"/> this sets the run's
    /// length, or use one long epoch and <see cref="TrainingOptions.MaxSteps"/>.</param>
    /// <param name="maxDegreeOfParallelism">Most threads to render on; -1 for one per core.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public FreshMovingMnistSource(MovingMnistOptions? options, long sequencesPerEpoch, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequencesPerEpoch);
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use -1 or a positive number.");
        _stream = new EndlessMovingMnist(options);
        _sequencesPerEpoch = sequencesPerEpoch;
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
    }

    /// <summary>The clips served.</summary>
    public EndlessMovingMnist Clips => _stream;

    /// <inheritdoc/>
    public int SequenceLength => _stream.SequenceLength;

    /// <inheritdoc/>
    public long? CountWithoutReading(CancellationToken cancellationToken) => _sequencesPerEpoch;

    /// <summary>The first clip of <paramref name="epoch"/>.</summary>
    public long FirstClip(int epoch) => checked(epoch * _sequencesPerEpoch);

    /// <inheritdoc/>
    public IEnumerable<ReadOnlyMemory<float>> Read(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return ReadChunks(FirstClip(epoch));
    }

    private IEnumerable<ReadOnlyMemory<float>> ReadChunks(long first)
    {
        int length = SequenceLength;
        float[] current = new float[ChunkSequences * length], next = new float[ChunkSequences * length];
        long served = 0;
        Task? rendering = Render(first, next);
        while (rendering is not null)
        {
            rendering.GetAwaiter().GetResult();
            (current, next) = (next, current);
            int count = Chunk(served);
            served += count;
            // The next chunk renders while the trainer copies this one.
            rendering = served < _sequencesPerEpoch ? Render(first + served, next, Chunk(served)) : null;
            for (int i = 0; i < count; i++) yield return current.AsMemory(i * length, length);
        }

        Task Render(long start, float[] buffer, int? rows = null)
        {
            int n = rows ?? Chunk(0);
            return Task.Run(() => _stream.Generate(start, n, buffer.AsMemory(0, n * length), _maxDegreeOfParallelism));
        }

        int Chunk(long done) => (int)Math.Min(ChunkSequences, _sequencesPerEpoch - done);
    }
}
