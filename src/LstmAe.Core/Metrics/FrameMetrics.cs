namespace LstmAe.Metrics;

/// <summary>
/// Per-frame metrics of predicted or reconstructed video frames against the true ones, in the units of the field.
/// Inputs are whole frames laid end to end (any number of frames, each <see cref="FrameShape.Size"/> floats,
/// row-major) with pixel intensities in [0, 1]. Errors are summed over a frame's pixels and averaged over frames.
/// </summary>
/// <remarks>
/// Cross-entropy in nats per frame is the unit of Srivastava et al. (2015); MSE and MAE per frame are the OpenSTL
/// convention; SSIM follows Wang et al. (2004) as skimage and OpenSTL compute it (see <see cref="StructuralSimilarity"/>).
/// </remarks>
public static class FrameMetrics
{
    /// <summary>
    /// How far from 0 and 1 the outputs of a mean-squared-error model are clamped before their cross-entropy is
    /// taken, in training's reported nats and in <see cref="FrameMetricsAccumulator"/> alike: a confidently wrong
    /// pixel then costs -ln(1e-6), about 13.8 nats, in both, rather than 100 nats in one of them.
    /// </summary>
    public const double PixelClamp = 1e-6;

    /// <summary>
    /// Binary cross-entropy of the predicted pixel probabilities against the true intensities, summed over each
    /// frame's pixels and averaged over frames, in nats. Each log term is clamped at -100, as PyTorch's BCELoss does,
    /// so a confident wrong pixel costs 100 nats rather than infinity.
    /// </summary>
    /// <param name="target">The true frames, intensities in [0, 1].</param>
    /// <param name="predicted">The predicted frames, probabilities in [0, 1].</param>
    /// <param name="frameSize">Pixels per frame.</param>
    /// <returns>Nats per frame.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameSize"/> is zero or negative, or a value
    /// lies outside [0, 1] or is NaN.</exception>
    /// <exception cref="ArgumentException">The spans differ in length or do not hold a whole number (at least one) of
    /// frames.</exception>
    public static double CrossEntropyNatsPerFrame(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted, int frameSize)
    {
        int frames = CountFrames(target, predicted, frameSize);
        return CrossEntropySum(target, predicted) / frames;
    }

    /// <summary>Squared error summed over each frame's pixels and averaged over frames (OpenSTL's MSE).</summary>
    /// <param name="target">The true frames.</param>
    /// <param name="predicted">The predicted frames.</param>
    /// <param name="frameSize">Pixels per frame.</param>
    /// <returns>The mean over frames of the per-frame sum of squared pixel errors.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameSize"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">The spans differ in length or do not hold a whole number (at least one) of
    /// frames, or a value is NaN or infinite.</exception>
    public static double SquaredErrorPerFrame(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted, int frameSize)
    {
        int frames = CountFrames(target, predicted, frameSize);
        return SquaredErrorSum(target, predicted) / frames;
    }

    /// <summary>Absolute error summed over each frame's pixels and averaged over frames (OpenSTL's MAE).</summary>
    /// <param name="target">The true frames.</param>
    /// <param name="predicted">The predicted frames.</param>
    /// <param name="frameSize">Pixels per frame.</param>
    /// <returns>The mean over frames of the per-frame sum of absolute pixel errors.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frameSize"/> is zero or negative.</exception>
    /// <exception cref="ArgumentException">The spans differ in length or do not hold a whole number (at least one) of
    /// frames, or a value is NaN or infinite.</exception>
    public static double AbsoluteErrorPerFrame(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted, int frameSize)
    {
        int frames = CountFrames(target, predicted, frameSize);
        return AbsoluteErrorSum(target, predicted) / frames;
    }

    /// <summary>Structural similarity of each predicted frame with its true frame, averaged over frames.</summary>
    /// <param name="target">The true frames, intensities in [0, 1].</param>
    /// <param name="predicted">The predicted frames, intensities in [0, 1].</param>
    /// <param name="shape">The frame size; both sides at least <see cref="StructuralSimilarity.WindowSize"/>.</param>
    /// <returns>Mean SSIM, 1 for identical frames.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side of <paramref name="shape"/> is not positive or is smaller
    /// than <see cref="StructuralSimilarity.WindowSize"/>.</exception>
    /// <exception cref="ArgumentException">The spans differ in length or do not hold a whole number (at least one) of
    /// frames, or a value is NaN or infinite.</exception>
    public static double StructuralSimilarityPerFrame(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted, FrameShape shape)
    {
        int frames = CountFrames(target, predicted, shape.Size);
        return StructuralSimilaritySum(target, predicted, shape) / frames;
    }

    internal static double CrossEntropySum(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted)
    {
        RequireUnitInterval(target, predicted);
        return Sums(target, predicted, probabilityClamp: 0).CrossEntropy;
    }

    /// <summary>
    /// Cross-entropy, squared and absolute error summed over every pixel, in one pass. The caller has checked every
    /// value lies in [0, 1] (<see cref="RequireUnitInterval(ReadOnlySpan{float}, ReadOnlySpan{float})"/>); predicted
    /// probabilities are clamped to [<paramref name="probabilityClamp"/>, 1 - <paramref name="probabilityClamp"/>]
    /// for the cross-entropy only.
    /// </summary>
    internal static (double CrossEntropy, double SquaredError, double AbsoluteError) Sums(
        ReadOnlySpan<float> target, ReadOnlySpan<float> predicted, double probabilityClamp)
    {
        // PyTorch clamps log(p) at -100 so that p = 0 or 1 costs a finite amount.
        const double MinLog = -100.0;
        double crossEntropy = 0, squaredError = 0, absoluteError = 0;
        for (int i = 0; i < target.Length; i++)
        {
            double t = target[i], p = predicted[i], difference = p - t;
            double clamped = Math.Clamp(p, probabilityClamp, 1 - probabilityClamp);
            crossEntropy -= t * Math.Max(Math.Log(clamped), MinLog) + (1 - t) * Math.Max(Math.Log(1 - clamped), MinLog);
            squaredError += difference * difference;
            absoluteError += Math.Abs(difference);
        }
        return (crossEntropy, squaredError, absoluteError);
    }

    internal static double SquaredErrorSum(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted)
    {
        double sum = 0;
        for (int i = 0; i < target.Length; i++)
        {
            double difference = RequireFinite(predicted[i], nameof(predicted), i) - RequireFinite(target[i], nameof(target), i);
            sum += difference * difference;
        }
        return sum;
    }

    internal static double AbsoluteErrorSum(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted)
    {
        double sum = 0;
        for (int i = 0; i < target.Length; i++)
        {
            sum += Math.Abs(RequireFinite(predicted[i], nameof(predicted), i) - RequireFinite(target[i], nameof(target), i));
        }
        return sum;
    }

    internal static double StructuralSimilaritySum(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted, FrameShape shape)
    {
        var ssim = new StructuralSimilarity(shape);
        double sum = 0;
        for (int start = 0; start < target.Length; start += shape.Size)
        {
            sum += ssim.Compute(target.Slice(start, shape.Size), predicted.Slice(start, shape.Size));
        }
        return sum;
    }

    /// <summary>Checks the spans hold the same whole number (at least one) of frames and returns it.</summary>
    internal static int CountFrames(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted, int frameSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSize);
        if (target.Length != predicted.Length)
        {
            throw new ArgumentException(
                $"The predicted frames hold {predicted.Length} floats but the target frames hold {target.Length}; they must match.",
                nameof(predicted));
        }
        if (target.Length == 0 || target.Length % frameSize != 0)
        {
            throw new ArgumentException(
                $"The frames hold {target.Length} floats, which is not a positive whole number of {frameSize}-pixel frames.",
                nameof(target));
        }
        return target.Length / frameSize;
    }

    private static double RequireFinite(float value, string parameterName, int index) =>
        float.IsFinite(value)
            ? value
            : throw new ArgumentException($"{parameterName}[{index}] is {value}; pixel values must be finite.", parameterName);

    /// <summary>Checks every target and predicted value lies in [0, 1] (so none is NaN), naming the first that does not.</summary>
    internal static void RequireUnitInterval(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted)
    {
        for (int i = 0; i < target.Length; i++)
        {
            RequireUnitInterval(target[i], nameof(target), i);
            RequireUnitInterval(predicted[i], nameof(predicted), i);
        }
    }

    private static void RequireUnitInterval(double value, string parameterName, int index)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(parameterName, value,
                $"{parameterName}[{index}] is {value}; cross-entropy needs intensities and probabilities in [0, 1].");
        }
    }
}
