namespace LstmAe.Data;

/// <summary>
/// Moving MNIST without end: clip i (any non-negative long) is a pure function of (seed, split, i), drawn from a
/// random stream of its own, so its clips are not the rows of <see cref="MovingMnistSequences"/> with the same
/// options (a validation set generated from those never reappears here). Training on consecutive clips never sees
/// one twice. Digits come from the split's pool, as for the data set. Thread-safe.
/// </summary>
public sealed class EndlessMovingMnist
{
    /// <summary>Added to the split to name the stream's random draws, apart from the data set's.</summary>
    private const int StreamOffset = 0x46726573;

    private readonly MovingMnistGenerator _generator;

    /// <summary>Creates the stream; <see cref="MovingMnistOptions.SequenceCount"/> is not used.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public EndlessMovingMnist(MovingMnistOptions? options = null)
    {
        _generator = new MovingMnistGenerator(options);
    }

    /// <summary>The settings in use.</summary>
    public MovingMnistOptions Options => _generator.Options;

    /// <summary>Floats in one clip: frames in time order, each row-major.</summary>
    public int SequenceLength => _generator.SequenceLength;

    /// <summary>
    /// Renders clips [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) into
    /// <paramref name="frames"/>, one after another, on up to <paramref name="maxDegreeOfParallelism"/> threads; the
    /// result does not depend on the thread count.
    /// </summary>
    /// <param name="first">First clip, at least 0.</param>
    /// <param name="count">Clips to render.</param>
    /// <param name="frames">Receives <paramref name="count"/> x <see cref="SequenceLength"/> floats in [0, 1].</param>
    /// <param name="maxDegreeOfParallelism">Most threads to render on; -1 for one per core.</param>
    /// <exception cref="ArgumentOutOfRangeException">A clip index is negative or past <see cref="long.MaxValue"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="frames"/> has the wrong length.</exception>
    public void Generate(long first, int count, Memory<float> frames, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, long.MaxValue - count, nameof(first));
        _generator.GenerateRows((int)Options.Split + StreamOffset, first, count, frames, maxDegreeOfParallelism);
    }
}
