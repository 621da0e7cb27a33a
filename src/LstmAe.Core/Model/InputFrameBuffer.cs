using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// The input frames of up to <see cref="Capacity"/> sequences, written row by row into one reusable CPU tensor in
/// the format inference feeds the encoder (<see cref="LstmAutoEncoder.CreateInputBuffer"/>), so that a caller that
/// gathers rows one at a time (the ML.NET cursor) copies each row once and allocates nothing per batch. One writer
/// at a time; rows are read by <see cref="LstmAutoEncoder"/>'s inference through <see cref="Take"/>.
/// </summary>
internal sealed class InputFrameBuffer : IDisposable
{
    private readonly Tensor _frames;
    private readonly Tensor _flat;
    private readonly int _inputLength;

    /// <summary>Room for <paramref name="capacity"/> sequences of <paramref name="options"/>' input frames, in
    /// <paramref name="format"/> (float32 or bfloat16).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="format"/> is neither float32 nor bfloat16.</exception>
    public InputFrameBuffer(LstmAutoEncoderModelOptions options, int capacity, ScalarType format)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (format is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"Expected float32 or bfloat16; got {format}.", nameof(format));
        _inputLength = options.InputSequenceLength;
        Capacity = capacity;
        // Kept across batches: out of any dispose scope the caller has open.
        _frames = empty([capacity, options.InputFrames, options.FrameSize], format).DetachFromDisposeScope();
        _flat = _frames.view(-1).DetachFromDisposeScope();
    }

    /// <summary>Sequences the buffer holds.</summary>
    public int Capacity { get; }

    /// <summary>The element type of the staged frames.</summary>
    public ScalarType Format => _frames.dtype;

    /// <summary>
    /// Writes one sequence's input frames to row <paramref name="row"/> if every value is finite.
    /// </summary>
    /// <param name="row">The row, in [0, <see cref="Capacity"/>).</param>
    /// <param name="inputFrames">The input frames, frame after frame: exactly the model's input length.</param>
    /// <returns>-1 when written; otherwise the index of the first NaN or infinite value, and nothing is written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="row"/> is outside the buffer.</exception>
    /// <exception cref="ArgumentException"><paramref name="inputFrames"/> has the wrong length.</exception>
    public int Write(int row, ReadOnlySpan<float> inputFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Capacity);
        if (inputFrames.Length != _inputLength)
            throw new ArgumentException($"Expected {_inputLength} floats of input frames; got {inputFrames.Length}.", nameof(inputFrames));
        int bad = FrameValueCheck.IndexOfFirstNonFinite(inputFrames);
        if (bad >= 0) return bad;
        TensorSpans.CopyInto(_flat, (long)row * _inputLength, inputFrames);
        return -1;
    }

    /// <summary>Rows [0, <paramref name="count"/>) as inference's input.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in [1, <see cref="Capacity"/>].</exception>
    public Rows Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
        return new Rows(this, count);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _flat.Dispose();
        _frames.Dispose();
    }

    /// <summary>The first <see cref="Count"/> rows of a buffer, written and checked by <see cref="Write"/>.</summary>
    internal readonly struct Rows(InputFrameBuffer buffer, int count) : IInputFrameSource
    {
        /// <inheritdoc/>
        public int Count => count;

        /// <inheritdoc/>
        /// <remarks>On the CPU in the buffer's format, a view of the buffer; otherwise a copy.</remarks>
        public Tensor InputFrames(int first, int length, Device device, ScalarType format)
        {
            Tensor rows = buffer._frames.narrow(0, first, length);
            if (device.type == TorchSharp.DeviceType.CPU && format == buffer.Format) return rows;
            using (rows) return rows.to(format).to(device);
        }
    }
}
