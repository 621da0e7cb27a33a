using LstmAe.Model;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// Groups a source's sequences into minibatches in one reused buffer, checking each sequence's length and values.
/// Tensors are built by <see cref="ToTensors"/> rather than while enumerating, so they land in the dispose scope the
/// caller opens for the step.
/// </summary>
internal sealed class MinibatchReader
{
    private readonly ISequenceSource _source;
    private readonly LstmAutoEncoderModelOptions _options;
    private readonly int _batchSize;
    private readonly Device _device;
    private readonly float[] _buffer;

    public MinibatchReader(ISequenceSource source, LstmAutoEncoderModelOptions options, int batchSize, Device device, string sourceName)
    {
        _source = source;
        _options = options;
        _batchSize = batchSize;
        _device = device;
        HasFuture = CheckSequenceLength(source, options, sourceName);
        _buffer = new float[batchSize * source.SequenceLength];
    }

    /// <summary>True when the source's rows carry the future frames after the input frames.</summary>
    public bool HasFuture { get; }

    /// <summary>
    /// Fills the buffer with each minibatch of <paramref name="epoch"/> in turn, after skipping the first
    /// <paramref name="skipBatches"/>; the buffer is valid until the enumerator moves on.
    /// </summary>
    public IEnumerable<BufferedMinibatch> Read(int epoch, long skipBatches = 0)
    {
        int length = _source.SequenceLength, filled = 0;
        long skip = skipBatches * _batchSize, index = 0;
        foreach (ReadOnlyMemory<float> sequence in _source.Read(epoch))
        {
            if (index++ < skip) continue;
            if (sequence.Length != length)
            {
                throw new ArgumentException(
                    $"The source yielded a sequence of {sequence.Length} floats in epoch {epoch} (item {index - 1}); " +
                    $"it declares {length}.");
            }

            sequence.Span.CopyTo(_buffer.AsSpan(filled * length));
            if (++filled == _batchSize)
            {
                yield return new BufferedMinibatch(epoch, index - _batchSize, _batchSize);
                filled = 0;
            }
        }
        if (filled > 0) yield return new BufferedMinibatch(epoch, index - filled, filled);
    }

    /// <summary>The buffered minibatch as tensors on the model's device.</summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite, or outside [0, 1] under cross-entropy; the
    /// message gives its position.</exception>
    public Minibatch ToTensors(BufferedMinibatch minibatch) => OnDevice(ToHostTensor(minibatch, pinned: false), minibatch.Count);

    /// <summary>
    /// The buffered minibatch, checked, as a new float32 host tensor [count, frames, frame size] in one copy from the
    /// buffer; in page-locked memory when <paramref name="pinned"/> (CUDA only), so <see cref="OnDevice"/> can copy it
    /// to the GPU without waiting. The caller owns the tensor.
    /// </summary>
    /// <remarks>The pinned tensor is copied straight from the buffer into page-locked memory, which libtorch's host
    /// allocator reuses: a staging tensor in between would cost a second copy, and a fresh block of that size (42 MB
    /// for the Paper preset's batch of 128) faults in every page on the prefetch thread, whose glibc arena unmaps it
    /// again once freed.</remarks>
    /// <exception cref="ArgumentException">A value is NaN or infinite, or outside [0, 1] under cross-entropy.</exception>
    public Tensor ToHostTensor(BufferedMinibatch minibatch, bool pinned)
    {
        using Tensor view = CheckedView(minibatch);
        return pinned ? view.pin_memory() : view.clone();
    }

    /// <summary>
    /// The buffered minibatch, checked, as a float32 tensor [count, frames, frame size] over the buffer itself (no
    /// copy): valid only until <see cref="Read"/> moves on. The caller disposes it.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="ToHostTensor"/>.</exception>
    internal Tensor CheckedView(BufferedMinibatch minibatch)
    {
        int length = _source.SequenceLength, frameSize = _options.FrameSize;
        ReadOnlySpan<float> values = _buffer.AsSpan(0, minibatch.Count * length);
        // Cross-entropy targets are probabilities; squared error takes any finite value. NaN falls outside any range.
        bool pixels = _options.Objective == TrainingObjective.BinaryCrossEntropy;
        int bad = pixels ? FrameValueCheck.IndexOfFirstOutside(values, 0f, 1f) : FrameValueCheck.IndexOfFirstNonFinite(values);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"Sequence {minibatch.FirstItem + (bad / length)} of epoch {minibatch.Epoch}: " +
                $"{FrameValueCheck.Describe(values.Slice(bad / length * length, length), bad % length, frameSize)}; expected " +
                (pixels ? "pixel values in [0, 1] under the cross-entropy objective (use MeanSquaredError for other data)." : "finite values."));
        }

        using Tensor whole = from_array(_buffer);
        using Tensor used = whole.narrow(0, 0, values.Length);
        return used.view(minibatch.Count, length / frameSize, frameSize);
    }

    /// <summary>A host tensor from <see cref="ToHostTensor"/> as the minibatch on the model's device (a copy that does
    /// not block the host when the tensor is pinned; the tensor itself on the CPU).</summary>
    public Minibatch OnDevice(Tensor host, int count)
    {
        Tensor all = _device.type == TorchSharp.DeviceType.CPU ? host : host.to(_device, non_blocking: host.is_pinned());
        Tensor input = all[.., .._options.InputFrames];
        Tensor? future = HasFuture ? all[.., _options.InputFrames..] : null;
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
            {
                throw new ArgumentException(
                    $"The {Describe(sourceName)} rows hold only the {options.InputFrames} input frames ({length} floats), " +
                    $"so they cannot train or score prediction (mode {options.Mode}); rows need {options.InputFrames}+" +
                    $"{options.FutureFrames} frames ({options.FullSequenceLength} floats), or use " +
                    $"{nameof(AutoEncoderMode.ReconstructionOnly)}.", sourceName);
            }

            return false;
        }
        throw new ArgumentException(
            $"The {Describe(sourceName)} sequences hold {length} floats; expected {options.InputSequenceLength} " +
            $"({options.InputFrames} frames of {options.FrameSize}) or {options.FullSequenceLength} " +
            $"({options.InputFrames}+{options.FutureFrames} frames). Longer clips: keep their first frames with " +
            $"ISequenceCollection.TakeFrames or NpySequenceOptions.FrameCount.", sourceName);
    }

    /// <summary>"train source's", "validation source's"; "source's" for a parameter named so.</summary>
    private static string Describe(string sourceName) => sourceName == "source" ? "source's" : $"{sourceName} source's";
}
