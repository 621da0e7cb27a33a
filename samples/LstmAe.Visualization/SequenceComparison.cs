namespace LstmAe.Visualization;

/// <summary>
/// One sequence to draw: its true frames and, optionally, what a model made of them. Every array holds whole frames
/// of <see cref="FrameHeight"/> x <see cref="FrameWidth"/> pixels, row-major, intensities in [0, 1] (values outside
/// are clipped when drawn).
/// </summary>
/// <param name="FrameHeight">Rows in a frame.</param>
/// <param name="FrameWidth">Pixels in a row.</param>
/// <param name="Input">The input frames, in time order.</param>
/// <param name="Future">The true frames after the input, or null.</param>
/// <param name="Reconstruction">The model's reconstruction of the input, in natural time order, or null.</param>
/// <param name="Prediction">The model's prediction of the future frames, or null.</param>
public sealed record SequenceComparison(
    int FrameHeight,
    int FrameWidth,
    float[] Input,
    float[]? Future = null,
    float[]? Reconstruction = null,
    float[]? Prediction = null)
{
    /// <summary>Pixels in one frame.</summary>
    public int FrameSize => FrameHeight * FrameWidth;

    /// <summary>Number of input frames.</summary>
    public int InputFrames => Input.Length / FrameSize;

    /// <summary>Number of frames after the input: the longer of the true and the predicted future.</summary>
    public int FutureFrames => Math.Max(CountFrames(Future), CountFrames(Prediction));

    /// <summary>Throws <see cref="ArgumentException"/> naming the array whose length does not fit the frame size.</summary>
    public void Validate()
    {
        if (FrameHeight <= 0 || FrameWidth <= 0)
        {
            throw new ArgumentException($"A frame needs a positive height and width; got {FrameHeight} x {FrameWidth}.");
        }
        RequireWholeFrames(Input, nameof(Input));
        if (Input.Length == 0)
        {
            throw new ArgumentException("The input holds no frames.", nameof(Input));
        }
        RequireWholeFrames(Future, nameof(Future));
        RequireWholeFrames(Prediction, nameof(Prediction));
        RequireWholeFrames(Reconstruction, nameof(Reconstruction));
        if (Reconstruction is not null && Reconstruction.Length != Input.Length)
        {
            throw new ArgumentException(
                $"The reconstruction holds {CountFrames(Reconstruction)} frames but the input holds {InputFrames}.", nameof(Reconstruction));
        }
    }

    /// <summary>The true frame at time <paramref name="t"/> (input then future), or an empty span past the end.</summary>
    internal ReadOnlySpan<float> TruthAt(int t) =>
        t < InputFrames ? FrameOf(Input, t) : FrameOf(Future, t - InputFrames);

    /// <summary>The reconstructed frame at time <paramref name="t"/>, or an empty span outside the input.</summary>
    internal ReadOnlySpan<float> ReconstructionAt(int t) => t < InputFrames ? FrameOf(Reconstruction, t) : default;

    /// <summary>The predicted frame at time <paramref name="t"/>, or an empty span outside the future.</summary>
    internal ReadOnlySpan<float> PredictionAt(int t) => t >= InputFrames ? FrameOf(Prediction, t - InputFrames) : default;

    private ReadOnlySpan<float> FrameOf(float[]? frames, int index) =>
        frames is null || (index + 1) * FrameSize > frames.Length ? default : frames.AsSpan(index * FrameSize, FrameSize);

    private int CountFrames(float[]? frames) => frames is null ? 0 : frames.Length / FrameSize;

    private void RequireWholeFrames(float[]? frames, string name)
    {
        if (frames is not null && frames.Length % FrameSize != 0)
        {
            throw new ArgumentException(
                $"{name} holds {frames.Length} floats, which is not a whole number of {FrameHeight}x{FrameWidth} frames.", name);
        }
    }
}
