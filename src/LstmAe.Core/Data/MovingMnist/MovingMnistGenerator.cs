using System.Numerics;

namespace LstmAe.Data;

/// <summary>
/// Generates Moving MNIST sequences (Srivastava, Mansimov and Salakhutdinov, 2015) on demand: digits bouncing
/// inside a canvas, combined with max where they overlap, pixels as floats in [0, 1].
/// </summary>
/// <remarks>
/// Sequence i is a pure function of (seed, split, i), so any row can be generated at any time, from any thread, in
/// any order, and nothing is cached; <see cref="Generate(long, int, Memory{float}, int)"/> renders rows on several
/// threads with the same result as on one. Frame t shows the digits after t + 1 steps, as in the original generator.
/// Thread-safe.
/// </remarks>
public sealed class MovingMnistGenerator
{
    /// <summary>Motions up to this many digits live on the stack; more go on the heap.</summary>
    private const int StackDigits = 4;

    /// <summary>A scaled digit of up to this many pixels (a 64x64 one) lives on the stack while a clip renders.</summary>
    private const int StackDigitPixels = 4096;

    private readonly int _poolStart;
    private readonly int _poolCount;
    private readonly int _maxX;
    private readonly int _maxY;

    /// <summary>Creates a generator; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public MovingMnistGenerator(MovingMnistOptions? options = null)
    {
        Options = options ?? new MovingMnistOptions();
        Digits = Options.Digits ?? EmbeddedMnist.Digits;
        Options.Validate(Digits);
        (_poolStart, _poolCount) = Options.Split switch
        {
            DataSplit.Train => (0, Options.TrainDigitCount),
            DataSplit.Test => (Options.TrainDigitCount, Digits.Count - Options.TrainDigitCount),
            _ => (0, Digits.Count),
        };
        _maxX = Options.FrameWidth - Digits.Width;
        _maxY = Options.FrameHeight - Digits.Height;
    }

    /// <summary>The settings in use.</summary>
    public MovingMnistOptions Options { get; }

    /// <summary>The digit images drawn from.</summary>
    public LabeledImageSet Digits { get; }

    /// <summary>The digit indices this generator draws from: its split's pool.</summary>
    public Range DigitPool => _poolStart..(_poolStart + _poolCount);

    /// <summary>Number of sequences.</summary>
    public int SequenceCount => Options.SequenceCount;

    /// <summary>Floats in one frame.</summary>
    public int FrameSize => Options.FrameHeight * Options.FrameWidth;

    /// <summary>Floats in one sequence: frames in time order, each row-major.</summary>
    public int SequenceLength => Options.FrameCount * FrameSize;

    /// <summary>Draws the digits and motions of sequence <paramref name="index"/> without rendering it (cheap).</summary>
    /// <param name="index">Row, in [0, <see cref="SequenceCount"/>).</param>
    /// <param name="destination">Receives <see cref="MovingMnistOptions.DigitsPerSequence"/> motions.</param>
    public void SampleMotions(long index, Span<DigitMotion> destination)
    {
        CheckIndex(index);
        SampleMotions((int)Options.Split, index, destination);
    }

    /// <summary>Draws the motions of row <paramref name="index"/> of random stream <paramref name="stream"/>: the
    /// split for the data set's rows, another value for <see cref="EndlessMovingMnist"/>'s.</summary>
    internal void SampleMotions(int stream, long index, Span<DigitMotion> destination)
    {
        CheckLength(destination.Length, Options.DigitsPerSequence, nameof(destination));
        SplitMix64 random = SplitMix64.ForRow(Options.Seed, stream, index);
        for (int d = 0; d < destination.Length; d++)
        {
            // Draw order is part of the data set's definition: changing it changes every sequence.
            int digit = _poolStart + random.NextInt(_poolCount);
            double y = random.NextDouble() * _maxY;
            double x = random.NextDouble() * _maxX;
            double theta = random.NextDouble() * 2 * Math.PI;
            double speed = Options.MaxSpeed is float max ? Options.Speed + random.NextDouble() * (max - Options.Speed) : Options.Speed;
            destination[d] = new DigitMotion(digit, Digits.GetLabel(digit), (float)x, (float)y,
                (float)(speed * Math.Cos(theta)), (float)(speed * Math.Sin(theta)));
        }
    }

    /// <summary>Draws the digits and motions of sequence <paramref name="index"/>.</summary>
    public DigitMotion[] SampleMotions(long index)
    {
        var motions = new DigitMotion[Options.DigitsPerSequence];
        SampleMotions(index, motions);
        return motions;
    }

    /// <summary>Renders the frames of digits moving as <paramref name="motions"/> say.</summary>
    /// <param name="motions">Any number of digits, e.g. from <see cref="SampleMotions(long)"/>.</param>
    /// <param name="frames">Receives <see cref="SequenceLength"/> floats; overwritten.</param>
    public void Render(ReadOnlySpan<DigitMotion> motions, Span<float> frames)
    {
        CheckLength(frames.Length, SequenceLength, nameof(frames));
        frames.Clear();
        int frameCount = Options.FrameCount;
        Span<int> xs = frameCount <= 256 ? stackalloc int[frameCount] : new int[frameCount];
        Span<int> ys = frameCount <= 256 ? stackalloc int[frameCount] : new int[frameCount];
        int digitSize = Digits.Height * Digits.Width;
        // Each digit is scaled to [0, 1] once, not once per frame it is drawn in.
        Span<float> digit = digitSize <= StackDigitPixels ? stackalloc float[digitSize] : new float[digitSize];
        foreach (DigitMotion motion in motions)
        {
            PixelScale.ToUnitFloats(Digits.GetImage(motion.DigitIndex), digit);
            DigitTrajectory.Trace(motion, _maxX, _maxY, xs, ys);
            for (int t = 0; t < frameCount; t++)
            {
                DrawMax(digit, frames.Slice(t * FrameSize, FrameSize), xs[t], ys[t]);
            }
        }
    }

    /// <summary>Generates sequence <paramref name="index"/>: its frames and the motions behind them.</summary>
    /// <param name="index">Row, in [0, <see cref="SequenceCount"/>).</param>
    /// <param name="frames">Receives <see cref="SequenceLength"/> floats in [0, 1].</param>
    /// <param name="motions">Receives <see cref="MovingMnistOptions.DigitsPerSequence"/> motions.</param>
    public void Generate(long index, Span<float> frames, Span<DigitMotion> motions)
    {
        SampleMotions(index, motions);
        Render(motions, frames);
    }

    /// <summary>
    /// Generates sequences [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) into
    /// <paramref name="frames"/>, one after another, rendering them on up to <paramref name="maxDegreeOfParallelism"/>
    /// threads. Each sequence is a function of its index alone, so the result is the same for any thread count.
    /// </summary>
    /// <param name="first">First row, in [0, <see cref="SequenceCount"/>).</param>
    /// <param name="count">Rows to generate; <paramref name="first"/> + <paramref name="count"/> at most <see cref="SequenceCount"/>.</param>
    /// <param name="frames">Receives <paramref name="count"/> x <see cref="SequenceLength"/> floats.</param>
    /// <param name="maxDegreeOfParallelism">Most threads to render on; -1 for one per core.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rows are outside the data set.</exception>
    /// <exception cref="ArgumentException"><paramref name="frames"/> has the wrong length.</exception>
    public void Generate(long first, int count, Memory<float> frames, int maxDegreeOfParallelism = -1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return;
        CheckIndex(first);
        CheckIndex(first + count - 1);
        GenerateRows((int)Options.Split, first, count, frames, maxDegreeOfParallelism);
    }

    /// <summary>Renders rows [first, first + count) of <paramref name="stream"/> in parallel (no index check).</summary>
    internal void GenerateRows(int stream, long first, int count, Memory<float> frames, int maxDegreeOfParallelism)
    {
        int length = SequenceLength;
        CheckLength(frames.Length, checked(count * length), nameof(frames));
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, "Use -1 or a positive number.");
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, row =>
        {
            int digits = Options.DigitsPerSequence;
            Span<DigitMotion> motions = digits <= StackDigits ? stackalloc DigitMotion[StackDigits] : new DigitMotion[digits];
            SampleMotions(stream, first + row, motions[..digits]);
            Render(motions[..digits], frames.Span.Slice(row * length, length));
        });
    }

    /// <summary>Generates the frames of sequence <paramref name="index"/>.</summary>
    public float[] Generate(long index)
    {
        var frames = new float[SequenceLength];
        int digits = Options.DigitsPerSequence;
        Span<DigitMotion> motions = digits <= StackDigits ? stackalloc DigitMotion[StackDigits] : new DigitMotion[digits];
        Generate(index, frames, motions[..digits]);
        return frames;
    }

    /// <summary>Overlays a digit (pixels in [0, 1]) on a frame by maximum, its top left corner at
    /// (<paramref name="left"/>, <paramref name="top"/>).</summary>
    private void DrawMax(ReadOnlySpan<float> digit, Span<float> frame, int left, int top)
    {
        int width = Options.FrameWidth, lanes = Vector<float>.Count;
        for (int r = 0; r < Digits.Height; r++)
        {
            ReadOnlySpan<float> source = digit.Slice(r * Digits.Width, Digits.Width);
            Span<float> target = frame.Slice((top + r) * width + left, Digits.Width);
            int c = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; c <= source.Length - lanes; c += lanes)
                    Vector.Max(new Vector<float>(target[c..]), new Vector<float>(source[c..])).CopyTo(target[c..]);
            }
            for (; c < source.Length; c++)
                target[c] = MathF.Max(target[c], source[c]);
        }
    }

    private void CheckIndex(long index)
    {
        if ((ulong)index >= (ulong)SequenceCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The generator has {SequenceCount} sequences.");
        }
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"Expected {expected} elements, got {actual}.", name);
        }
    }
}
