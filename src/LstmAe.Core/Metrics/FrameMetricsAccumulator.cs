namespace LstmAe.Metrics;

/// <summary>
/// Accumulates <see cref="FrameMetrics"/> over batches of frames, so a test set can be scored one batch at a time.
/// SSIM is included when the frames are large enough for its window.
/// </summary>
public sealed class FrameMetricsAccumulator
{
    private readonly FrameShape _shape;
    private readonly StructuralSimilarity? _ssim;
    private long _frames;
    private double _crossEntropy;
    private double _squaredError;
    private double _absoluteError;
    private double _ssimSum;

    /// <summary>Starts an empty accumulator for frames of one size.</summary>
    /// <param name="shape">The frame size.</param>
    public FrameMetricsAccumulator(FrameShape shape)
    {
        shape.Validate(nameof(shape));
        _shape = shape;
        _ssim = StructuralSimilarity.Supports(shape) ? new StructuralSimilarity(shape) : null;
    }

    /// <summary>Frames added so far.</summary>
    public long Frames => _frames;

    /// <summary>Adds a batch of frame pairs (any whole number of frames).</summary>
    /// <param name="target">The true frames, intensities in [0, 1].</param>
    /// <param name="predicted">The predicted frames, probabilities in [0, 1].</param>
    public void Add(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted)
    {
        int frames = FrameMetrics.CountFrames(target, predicted, _shape.Size);
        _crossEntropy += FrameMetrics.CrossEntropySum(target, predicted);
        _squaredError += FrameMetrics.SquaredErrorSum(target, predicted);
        _absoluteError += FrameMetrics.AbsoluteErrorSum(target, predicted);
        if (_ssim is not null)
        {
            for (int start = 0; start < target.Length; start += _shape.Size)
            {
                _ssimSum += _ssim.Compute(target.Slice(start, _shape.Size), predicted.Slice(start, _shape.Size));
            }
        }
        _frames += frames;
    }

    /// <summary>The averages over every frame added.</summary>
    /// <returns>The summary.</returns>
    /// <exception cref="InvalidOperationException">No frames were added.</exception>
    public FrameMetricsSummary Summarize()
    {
        if (_frames == 0)
        {
            throw new InvalidOperationException("No frames were added, so there is nothing to average.");
        }
        return new FrameMetricsSummary(
            _frames,
            _crossEntropy / _frames,
            _squaredError / _frames,
            _absoluteError / _frames,
            _ssim is null ? null : _ssimSum / _frames);
    }
}
