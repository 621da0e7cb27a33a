namespace LstmAe.MLNet.Schema;

/// <summary>How frames lie in one row of the input column: <see cref="StoredFrames"/> frames of
/// <see cref="FrameHeight"/> x <see cref="FrameWidth"/> floats, time-major, of which the first
/// <see cref="InputFrames"/> are read by the encoder and the next <see cref="FutureFrames"/> (when stored) are
/// the prediction targets.</summary>
internal sealed record FrameLayout(int InputFrames, int FutureFrames, int FrameHeight, int FrameWidth, int StoredFrames)
{
    /// <summary>Floats in one frame.</summary>
    public int FrameSize => FrameHeight * FrameWidth;

    /// <summary>Floats of one row the encoder reads: its input frames.</summary>
    public int InputLength => InputFrames * FrameSize;

    /// <summary>Floats in one row of the input column.</summary>
    public int SequenceLength => StoredFrames * FrameSize;

    /// <summary>True when rows hold the future frames too, so the prediction decoder can be trained.</summary>
    public bool HasFutureFrames => StoredFrames == InputFrames + FutureFrames && FutureFrames > 0;

    /// <summary>The accepted shapes, for error messages: "[10, 64, 64] or [20, 64, 64]".</summary>
    public string DescribeAccepted() => FutureFrames > 0
        ? $"{Shape(InputFrames)} or {Shape(InputFrames + FutureFrames)}"
        : Shape(InputFrames);

    private string Shape(int frames) => $"[{frames}, {FrameHeight}, {FrameWidth}] ({frames * FrameSize} floats)";
}
