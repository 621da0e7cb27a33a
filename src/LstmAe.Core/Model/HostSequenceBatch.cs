using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Validates a host array of sequences against the model's sizes and turns slices of it into input tensors.
/// Rows hold either the input frames or the input frames followed by the future frames; only the input frames
/// are read.
/// </summary>
internal readonly ref struct HostSequenceBatch : IInputFrameSource
{
    private readonly ReadOnlySpan<float> _sequences;
    private readonly LstmAutoEncoderModelOptions _options;
    private readonly int _rowStride;
    private readonly string _paramName;

    public HostSequenceBatch(ReadOnlySpan<float> sequences, int count, LstmAutoEncoderModelOptions options, string paramName)
    {
        if (count <= 0)
            throw new ArgumentOutOfRangeException(nameof(count), count, "The number of sequences must be positive.");
        int inputLength = options.InputSequenceLength, fullLength = options.FullSequenceLength;
        if ((long)count * inputLength == sequences.Length)
        {
            _rowStride = inputLength;
        }
        else if (options.FutureFrames > 0 && (long)count * fullLength == sequences.Length)
        {
            _rowStride = fullLength;
        }
        else
        {
            throw new ArgumentException(
                $"Expected {count} sequences of {options.InputFrames} frames x {options.FrameSize} floats " +
                $"({(long)count * inputLength} floats) or of {options.InputFrames}+{options.FutureFrames} frames " +
                $"({(long)count * fullLength} floats); got {sequences.Length} floats.", paramName);
        }

        _sequences = sequences;
        _options = options;
        _paramName = paramName;
        Count = count;
    }

    /// <summary>Sequences in the batch.</summary>
    public int Count { get; }

    /// <summary>
    /// The input frames of sequences [first, first + length) as a [length, input frames, frame size] tensor of
    /// <paramref name="format"/>, checked and written straight into the tensor's memory (one pass, no managed
    /// staging array; bfloat16 rounded as libtorch's cast rounds), then moved to <paramref name="device"/> where that
    /// is not the CPU.
    /// </summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite; the message gives its position.</exception>
    public Tensor InputFrames(int first, int length, Device device, ScalarType format)
    {
        int inputLength = _options.InputSequenceLength;
        Tensor frames = empty([length, _options.InputFrames, _options.FrameSize], format);
        using Tensor flat = frames.view(-1);
        for (int row = 0; row < length; row++)
        {
            ReadOnlySpan<float> source = _sequences.Slice((first + row) * _rowStride, inputLength);
            int bad = FrameValueCheck.IndexOfFirstNonFinite(source);
            if (bad >= 0)
            {
                frames.Dispose();
                throw new ArgumentException(
                    $"Sequence {first + row}, {FrameValueCheck.Describe(source, bad, _options.FrameSize)}; expected a finite value.",
                    _paramName);
            }
            TensorSpans.CopyInto(flat, (long)row * inputLength, source);
        }
        if (device.type == TorchSharp.DeviceType.CPU) return frames;
        using (frames) return frames.to(device);
    }
}
