using System.Buffers;

namespace LstmAe.Data;

/// <summary>The first <see cref="FrameCount"/> frames of each sequence of another collection. Disposing it disposes
/// the other.</summary>
public sealed class SequenceCollectionLeadingFrames : ISequenceCollection
{
    private readonly ISequenceCollection _inner;

    /// <param name="inner">The sequences; owned from now on.</param>
    /// <param name="frames">Frames to keep of each sequence, in [1, <paramref name="inner"/>'s FrameCount].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> is below 1 or above the frames the
    /// sequences have.</exception>
    public SequenceCollectionLeadingFrames(ISequenceCollection inner, int frames)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (frames < 1 || frames > inner.FrameCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(frames), frames, $"{inner.Description} have {inner.FrameCount} frames per sequence; expected 1 to {inner.FrameCount} frames to keep.");
        }

        _inner = inner;
        FrameCount = frames;
    }

    /// <inheritdoc/>
    public string Description => Describe(_inner.Description, FrameCount, _inner.FrameCount);

    /// <summary>"20 sequences of 'x.npy' (their first 10 of 30 frames)": <paramref name="sequences"/> described with
    /// the frames kept, when fewer than all.</summary>
    internal static string Describe(string sequences, int kept, int all) =>
        kept == all ? sequences : $"{sequences} (their first {kept} of {all} frames)";

    /// <inheritdoc/>
    public int Count => _inner.Count;

    /// <inheritdoc/>
    public int FrameCount { get; }

    /// <inheritdoc/>
    public int FrameHeight => _inner.FrameHeight;

    /// <inheritdoc/>
    public int FrameWidth => _inner.FrameWidth;

    /// <inheritdoc/>
    public IReadOnlyList<string>? ClassNames => _inner.ClassNames;

    /// <inheritdoc/>
    public void ReadSequence(int index, Span<float> destination)
    {
        int length = this.SequenceLength();
        if (destination.Length != length)
        {
            throw new ArgumentException(
                $"The destination holds {destination.Length} floats; a sequence of {FrameCount} frames of {FrameHeight}x{FrameWidth} is {length}.",
                nameof(destination));
        }

        if (FrameCount == _inner.FrameCount)
        {
            _inner.ReadSequence(index, destination);
            return;
        }

        // A pooled whole sequence per call keeps reads from several threads apart.
        float[] whole = ArrayPool<float>.Shared.Rent(_inner.SequenceLength());
        try
        {
            Span<float> sequence = whole.AsSpan(0, _inner.SequenceLength());
            _inner.ReadSequence(index, sequence);
            sequence[..length].CopyTo(destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(whole);
        }
    }

    /// <inheritdoc/>
    public int? Label(int index) => _inner.Label(index);

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
