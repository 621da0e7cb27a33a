namespace LstmAe.Metrics;

/// <summary>
/// The structural similarity index (SSIM, Wang et al. 2004) of two grey-scale frames, computed as skimage's
/// <c>structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1)</c> and
/// OpenSTL's <c>SSIM</c>: local statistics under an 11 x 11 Gaussian window (sigma 1.5) at every position where the
/// window fits inside the frame, averaged. One instance reuses its buffers, so it is not thread-safe.
/// </summary>
public sealed class StructuralSimilarity
{
    /// <summary>Side of the square Gaussian window, in pixels.</summary>
    public const int WindowSize = 11;

    /// <summary>Standard deviation of the Gaussian window, in pixels.</summary>
    public const double Sigma = 1.5;

    /// <summary>The range of pixel intensities (frames in [0, 1]).</summary>
    public const double DataRange = 1.0;

    /// <summary>Stabilises the luminance term: (0.01 x data range) squared.</summary>
    public const double C1 = 0.01 * DataRange * (0.01 * DataRange);

    /// <summary>Stabilises the contrast-structure term: (0.03 x data range) squared.</summary>
    public const double C2 = 0.03 * DataRange * (0.03 * DataRange);

    // The five local moments filtered at once: x, y, x*x, y*y, x*y.
    private const int Moments = 5;

    private static readonly double[] Kernel = CreateGaussianKernel();

    private readonly FrameShape _shape;
    private readonly int _validHeight;
    private readonly int _validWidth;
    private readonly double[] _rowFiltered;

    /// <summary>Prepares SSIM for frames of one size.</summary>
    /// <param name="shape">The frame size; both sides at least <see cref="WindowSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A side of <paramref name="shape"/> is not positive or is smaller
    /// than <see cref="WindowSize"/>.</exception>
    public StructuralSimilarity(FrameShape shape)
    {
        shape.Validate(nameof(shape));
        if (shape.Height < WindowSize || shape.Width < WindowSize)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape,
                $"SSIM needs frames of at least {WindowSize}x{WindowSize} pixels (its Gaussian window); got {shape}.");
        }
        _shape = shape;
        _validHeight = shape.Height - WindowSize + 1;
        _validWidth = shape.Width - WindowSize + 1;
        _rowFiltered = new double[shape.Height * _validWidth * Moments];
    }

    /// <summary>Whether SSIM is defined for frames of this size (both sides at least <see cref="WindowSize"/>).</summary>
    /// <param name="shape">The frame size.</param>
    /// <returns>True when the window fits in the frame.</returns>
    public static bool Supports(FrameShape shape) => shape.Height >= WindowSize && shape.Width >= WindowSize;

    /// <summary>SSIM of one frame pair: 1 for identical frames, lower the less alike they are.</summary>
    /// <param name="target">The true frame, <see cref="FrameShape.Size"/> floats, row-major.</param>
    /// <param name="predicted">The predicted frame, same size.</param>
    /// <returns>The mean of the local SSIM map.</returns>
    /// <exception cref="ArgumentException">A frame is not <see cref="FrameShape.Size"/> floats long, or a value is NaN
    /// or infinite.</exception>
    public double Compute(ReadOnlySpan<float> target, ReadOnlySpan<float> predicted)
    {
        if (target.Length != _shape.Size || predicted.Length != _shape.Size)
        {
            throw new ArgumentException(
                $"SSIM expects two frames of {_shape} = {_shape.Size} pixels; got {target.Length} and {predicted.Length} floats.");
        }
        FilterRows(target, predicted);
        return MeanOfSsimMap();
    }

    /// <summary>Horizontal pass: Gaussian-weighted sums of the five moments along each row, valid positions only.</summary>
    private void FilterRows(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int width = _shape.Width;
        for (int row = 0; row < _shape.Height; row++)
        {
            for (int column = 0; column < _validWidth; column++)
            {
                double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
                for (int k = 0; k < WindowSize; k++)
                {
                    int index = row * width + column + k;
                    double a = RequireFinite(x[index], nameof(x), index), b = RequireFinite(y[index], nameof(y), index), w = Kernel[k];
                    mx += w * a;
                    my += w * b;
                    mxx += w * a * a;
                    myy += w * b * b;
                    mxy += w * a * b;
                }
                int offset = (row * _validWidth + column) * Moments;
                _rowFiltered[offset] = mx;
                _rowFiltered[offset + 1] = my;
                _rowFiltered[offset + 2] = mxx;
                _rowFiltered[offset + 3] = myy;
                _rowFiltered[offset + 4] = mxy;
            }
        }
    }

    /// <summary>Vertical pass, then the SSIM formula at each valid position, averaged.</summary>
    private double MeanOfSsimMap()
    {
        Span<double> moment = stackalloc double[Moments];
        double sum = 0;
        for (int row = 0; row < _validHeight; row++)
        {
            for (int column = 0; column < _validWidth; column++)
            {
                moment.Clear();
                for (int k = 0; k < WindowSize; k++)
                {
                    int offset = ((row + k) * _validWidth + column) * Moments;
                    for (int m = 0; m < Moments; m++)
                    {
                        moment[m] += Kernel[k] * _rowFiltered[offset + m];
                    }
                }
                double muX = moment[0], muY = moment[1];
                double varianceX = moment[2] - muX * muX;
                double varianceY = moment[3] - muY * muY;
                double covariance = moment[4] - muX * muY;
                sum += (2 * muX * muY + C1) * (2 * covariance + C2)
                     / ((muX * muX + muY * muY + C1) * (varianceX + varianceY + C2));
            }
        }
        return sum / (_validHeight * _validWidth);
    }

    private static double[] CreateGaussianKernel()
    {
        var kernel = new double[WindowSize];
        int radius = WindowSize / 2;
        for (int k = 0; k < WindowSize; k++)
        {
            double offset = k - radius;
            kernel[k] = Math.Exp(-offset * offset / (2 * Sigma * Sigma));
        }
        double total = kernel.Sum();
        for (int k = 0; k < WindowSize; k++)
        {
            kernel[k] /= total;
        }
        return kernel;
    }

    private static double RequireFinite(float value, string parameterName, int index) =>
        float.IsFinite(value)
            ? value
            : throw new ArgumentException($"{parameterName}[{index}] is {value}; pixel values must be finite.", parameterName);
}
