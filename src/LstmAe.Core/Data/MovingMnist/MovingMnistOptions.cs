namespace LstmAe.Data;

/// <summary>
/// Settings of the Moving MNIST generator. The defaults reproduce Srivastava et al. (2015): 20 frames of 64x64, two
/// 28x28 digits per sequence moving at 3.6 pixels per frame in a uniformly random direction.
/// </summary>
public sealed record MovingMnistOptions
{
    /// <summary>Sequences (rows) the generator provides; each is computed on demand, nothing is stored.</summary>
    public int SequenceCount { get; init; } = 10_000;

    /// <summary>Frames per sequence (the paper uses 10 input + 10 future).</summary>
    public int FrameCount { get; init; } = 20;

    /// <summary>Canvas rows.</summary>
    public int FrameHeight { get; init; } = 64;

    /// <summary>Canvas columns.</summary>
    public int FrameWidth { get; init; } = 64;

    /// <summary>Most digits a sequence may hold; more would only blur the canvas into one blob.</summary>
    public const int MaxDigitsPerSequence = 16;

    /// <summary>Digits bouncing in each sequence, 1 to <see cref="MaxDigitsPerSequence"/>; where they overlap the
    /// brighter pixel wins.</summary>
    public int DigitsPerSequence { get; init; } = 2;

    /// <summary>Pixels per frame. 3.6 is the original's step of 0.1 of the free range (64 - 28 = 36 pixels).</summary>
    public float Speed { get; init; } = 3.6f;

    /// <summary>When set, each digit's speed is drawn uniformly from [<see cref="Speed"/>, <see cref="MaxSpeed"/>].</summary>
    public float? MaxSpeed { get; init; }

    /// <summary>Seed of the whole data set: sequence i depends only on (seed, split, i).</summary>
    public int Seed { get; init; }

    /// <summary>Which pool of digits to draw from, so train and test sequences never share a digit image.</summary>
    public DataSplit Split { get; init; } = DataSplit.Train;

    /// <summary>Digits [0, TrainDigitCount) form the training pool and the rest the test pool.</summary>
    public int TrainDigitCount { get; init; } = EmbeddedMnist.DefaultTrainCount;

    /// <summary>The digit images; null means the embedded 10,000 MNIST digits (<see cref="EmbeddedMnist"/>).
    /// Any IDX set works, e.g. <c>LabeledImageSet.Load</c> of the Fashion-MNIST files.</summary>
    public LabeledImageSet? Digits { get; init; }

    /// <summary>Checks the settings against each other and against <paramref name="digits"/>.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate(LabeledImageSet digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        Require(SequenceCount >= 0, nameof(SequenceCount), $"must not be negative, got {SequenceCount}");
        Require(FrameCount >= 1, nameof(FrameCount), $"must be at least 1, got {FrameCount}");
        Require(DigitsPerSequence is >= 1 and <= MaxDigitsPerSequence, nameof(DigitsPerSequence),
            $"must be between 1 and {MaxDigitsPerSequence}, got {DigitsPerSequence}");
        Require(FrameHeight >= digits.Height && FrameWidth >= digits.Width, nameof(FrameHeight),
            $"and {nameof(FrameWidth)} must be at least the digits' {digits.Height}x{digits.Width}, got a {FrameHeight}x{FrameWidth} canvas");
        Require(float.IsFinite(Speed) && Speed >= 0, nameof(Speed), $"must be finite and non-negative, got {Speed}");
        Require(MaxSpeed is null || (float.IsFinite(MaxSpeed.Value) && MaxSpeed >= Speed), nameof(MaxSpeed),
            $"must be finite and at least Speed ({Speed}), got {MaxSpeed}");
        Require(Enum.IsDefined(Split), nameof(Split), $"unknown value {Split}");
        Require(Split == DataSplit.All || (TrainDigitCount > 0 && TrainDigitCount < digits.Count), nameof(TrainDigitCount),
            $"must leave both pools non-empty (between 1 and {digits.Count - 1}), got {TrainDigitCount}");
    }

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{nameof(MovingMnistOptions)}.{name} {problem}.", name);
        }
    }
}
