namespace LstmAe.Data;

/// <summary>
/// Moving MNIST as an <see cref="ISequenceCollection"/>: sequence i is generated when read, from (seed, split, i)
/// alone. Its label is the class of its first digit ("0".."9").
/// </summary>
public sealed class MovingMnistSequences : ISequenceCollection
{
    private readonly MovingMnistGenerator _generator;
    private readonly string[] _classNames;

    /// <param name="options">Generator settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public MovingMnistSequences(MovingMnistOptions? options = null)
        : this(new MovingMnistGenerator(options))
    {
    }

    /// <param name="generator">The generator to read from.</param>
    public MovingMnistSequences(MovingMnistGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
        _classNames = Enumerable.Range(0, generator.Digits.ClassCount)
            .Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The generator the sequences come from.</summary>
    public MovingMnistGenerator Generator => _generator;

    private MovingMnistOptions Options => _generator.Options;

    /// <inheritdoc/>
    public string Description => $"{Count} generated Moving MNIST sequences ({Options.Split} digits, seed {Options.Seed})";

    /// <inheritdoc/>
    public int Count => _generator.SequenceCount;

    /// <inheritdoc/>
    public int FrameCount => Options.FrameCount;

    /// <inheritdoc/>
    public int FrameHeight => Options.FrameHeight;

    /// <inheritdoc/>
    public int FrameWidth => Options.FrameWidth;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <inheritdoc/>
    public void ReadSequence(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        _generator.Generate(index, destination, stackalloc DigitMotion[Options.DigitsPerSequence]);
    }

    /// <inheritdoc/>
    public int? Label(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        Span<DigitMotion> motions = stackalloc DigitMotion[Options.DigitsPerSequence];
        _generator.SampleMotions(index, motions);
        return motions[0].Label;
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }
}
