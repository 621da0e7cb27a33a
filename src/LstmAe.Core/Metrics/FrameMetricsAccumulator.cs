namespace LstmAe.Metrics;

/// <summary>
/// Accumulates <see cref="FrameMetrics"/> over batches of frames, so a test set can be scored one batch at a time.
/// SSIM is included when the frames are large enough for its window.
/// </summary>
/// <remarks>
/// A model trained with mean squared error emits unbounded pixel values; with <c>clipPredictions</c> they are clipped
/// to [0, 1] for the errors and SSIM, as they would be when displayed (and as OpenSTL clips before SSIM), and to
/// [<see cref="FrameMetrics.PixelClamp"/>, 1 - <see cref="FrameMetrics.PixelClamp"/>] for the cross-entropy, as
/// training does when it reports nats per frame. Without it, values outside [0, 1] are rejected. A rejected batch
/// leaves the totals as they were.
/// </remarks>
public sealed class FrameMetricsAccumulator
{
    private readonly FrameShape _shape;
    private readonly StructuralSimilarity? _ssim;
    private long _frames;
    private double _crossEntropy;
    private double _squaredError;
    private double _absoluteError;
    private double _ssimSum;
    private readonly bool _clipPredictions;
    private float[] _clipped = [];

    /// <summary>Starts an empty accumulator for frames of one size.</summary>
    /// <param name="shape">The frame size.</param>
    /// <param name="clipPredictions">The predictions are unbounded outputs of a mean-squared-error model: clip them (see remarks).</param>
    public FrameMetricsAccumulator(FrameShape shape, bool clipPredictions = false)
    {
        _clipPredictions = clipPredictions;
        shape.Validate(nameof(shape));
        _shape = shape;
        _ssim = StructuralSimilarity.Supports(shape) ? new StructuralSimilarity(shape) : null;
    }

    /// <summary>Frames added so far.</summary>
    public long Frames => _frames;

    /// <summary>Adds a batch of frame pairs (any whole number of frames); a rejected batch changes nothing.</summary>
    /// <param name="target">The true frames, intensities in [0, 1].</param>
    /// <param name="predicted">The predicted frames, probabilities in [0, 1] unless clipping.</param>
    /// <exception cref="ArgumentException">The spans are not whole frames of the same size, or a value is out of range or NaN.</exception>
    public void Add(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted)
    {
        int frames = FrameMetrics.CountFrames(target, predicted, _shape.Size);
        if (_clipPredictions)
        {
            predicted = Clip(predicted);
        }
        FrameMetrics.RequireUnitInterval(target, predicted);

        var (crossEntropy, squaredError, absoluteError) =
            FrameMetrics.Sums(target, predicted, _clipPredictions ? FrameMetrics.PixelClamp : 0);
        double ssim = 0;
        if (_ssim is not null)
        {
            for (int start = 0; start < target.Length; start += _shape.Size)
            {
                ssim += _ssim.Compute(target.Slice(start, _shape.Size), predicted.Slice(start, _shape.Size));
            }
        }
        _crossEntropy += crossEntropy;
        _squaredError += squaredError;
        _absoluteError += absoluteError;
        _ssimSum += ssim;
        _frames += frames;
    }

    private ReadOnlySpan<float> Clip(ReadOnlySpan<float> predicted)
    {
        if (_clipped.Length < predicted.Length)
        {
            _clipped = new float[predicted.Length];
        }
        var clipped = _clipped.AsSpan(0, predicted.Length);
        for (int i = 0; i < predicted.Length; i++)
        {
            // NaN is kept, so that the metrics still reject it.
            clipped[i] = float.IsNaN(predicted[i]) ? predicted[i] : Math.Clamp(predicted[i], 0f, 1f);
        }
        return clipped;
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
