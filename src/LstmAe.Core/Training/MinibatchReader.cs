using System.Globalization;
using LstmAe.Model;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>A minibatch as tensors: input frames and, when the source has them, future frames.</summary>
internal sealed record Minibatch(Tensor Input, Tensor? Future, int Count);

/// <summary>
/// Groups a source's sequences into minibatches, checking each sequence's length and values on the way, and
/// builds the tensors of each minibatch in the caller's dispose scope.
/// </summary>
internal sealed class MinibatchReader
{
    private readonly ISequenceSource source;
    private readonly LstmAutoEncoderModelOptions options;
    private readonly int batchSize;
    private readonly Device device;
    private readonly float[] buffer;

    public MinibatchReader(ISequenceSource source, LstmAutoEncoderModelOptions options, int batchSize, Device device, string sourceName)
    {
        this.source = source;
        this.options = options;
        this.batchSize = batchSize;
        this.device = device;
        HasFuture = CheckSequenceLength(source, options, sourceName);
        buffer = new float[batchSize * source.SequenceLength];
    }

    /// <summary>True when the source's rows carry the future frames after the input frames.</summary>
    public bool HasFuture { get; }

    /// <summary>
    /// The minibatches of <paramref name="epoch"/>, skipping the first <paramref name="skipBatches"/>. Each call of
    /// <c>build</c> turns the current buffer into tensors; the buffer is reused for the next minibatch.
    /// </summary>
    public IEnumerable<Func<Minibatch>> Read(int epoch, long skipBatches = 0)
    {
        int length = source.SequenceLength, filled = 0;
        long skip = skipBatches * batchSize, index = 0;
        foreach (ReadOnlyMemory<float> sequence in source.Read(epoch))
        {
            if (index++ < skip) continue;
            if (sequence.Length != length)
                throw new ArgumentException(
                    $"The source yielded a sequence of {sequence.Length} floats in epoch {epoch} (item {index - 1}); " +
                    $"it declares {length}.");
            sequence.Span.CopyTo(buffer.AsSpan(filled * length));
            if (++filled == batchSize)
            {
                yield return () => Build(batchSize, epoch, index - batchSize);
                filled = 0;
            }
        }
        if (filled > 0)
        {
            int count = filled;
            yield return () => Build(count, epoch, index - count);
        }
    }

    private Minibatch Build(int count, int epoch, long firstItem)
    {
        int length = source.SequenceLength, frameSize = options.FrameSize;
        ReadOnlySpan<float> values = buffer.AsSpan(0, count * length);
        int bad = IndexOfNonFinite(values);
        if (bad >= 0)
            throw new ArgumentException(
                $"Sequence {firstItem + (bad / length)} of epoch {epoch} holds {values[bad].ToString(CultureInfo.InvariantCulture)} at frame " +
                $"{bad % length / frameSize}, pixel {bad % frameSize}; expected finite values.");
        long frames = length / frameSize;
        Tensor all = tensor(values.ToArray(), [count, frames, frameSize], device: device);
        Tensor input = all[.., ..options.InputFrames];
        Tensor? future = HasFuture ? all[.., options.InputFrames..] : null;
        return new Minibatch(input, future, count);
    }

    private static bool CheckSequenceLength(ISequenceSource source, LstmAutoEncoderModelOptions options, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(source, sourceName);
        int length = source.SequenceLength;
        if (length == options.FullSequenceLength && options.FutureFrames > 0) return true;
        if (length == options.InputSequenceLength)
        {
            if (options.HasPredictionDecoder)
                throw new ArgumentException(
                    $"The {sourceName} source's rows hold only the {options.InputFrames} input frames ({length} floats), " +
                    $"so it cannot train prediction (mode {options.Mode}); rows need {options.InputFrames}+" +
                    $"{options.FutureFrames} frames ({options.FullSequenceLength} floats), or use " +
                    $"{nameof(AutoEncoderMode.ReconstructionOnly)}.", sourceName);
            return false;
        }
        throw new ArgumentException(
            $"The {sourceName} source's sequences hold {length} floats; expected {options.InputSequenceLength} " +
            $"({options.InputFrames} frames of {options.FrameSize}) or {options.FullSequenceLength} " +
            $"({options.InputFrames}+{options.FutureFrames} frames).", sourceName);
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
