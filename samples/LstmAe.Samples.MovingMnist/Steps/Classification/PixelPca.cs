using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>
/// Principal components of whole clips (every input frame's pixels, flattened), fitted on unlabelled clips: the
/// pixel baseline that keeps the order of the frames, and so can see motion, at a width a linear classifier can use
/// with few labels. Components come out in order of decreasing variance, so a projection's first k columns are the
/// k-component PCA.
/// </summary>
internal sealed class PixelPca : IDisposable
{
    private readonly Tensor _mean;
    private readonly Tensor _components;

    private PixelPca(Tensor mean, Tensor components)
    {
        _mean = mean;
        _components = components;
    }

    /// <summary>Components kept (columns of a projection).</summary>
    public int Components => (int)_components.shape[1];

    /// <summary>
    /// Fits up to <paramref name="components"/> components on <paramref name="count"/> clips of
    /// <paramref name="length"/> floats, through the eigenvectors of the clips' Gram matrix (count x count), which
    /// is far smaller than the pixels' covariance when clips are fewer than pixels.
    /// </summary>
    /// <param name="clips">The clips, row after row.</param>
    /// <param name="count">Number of clips (at least 2).</param>
    /// <param name="length">Floats per clip.</param>
    /// <param name="components">Components wanted; at most count - 1 exist.</param>
    public static PixelPca Fit(float[] clips, int count, int length, int components)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        using var scope = NewDisposeScope();
        Tensor x = tensor(clips, [count, length]);
        Tensor mean = x.mean([0]);
        Tensor centred = x - mean;
        // float64 for the eigen-solver: the Gram matrix's small eigenvalues are where float32 loses the vectors.
        var (values, vectors) = linalg.eigh(centred.matmul(centred.t()).to(float64));
        int k = Math.Min(components, count - 1);
        Tensor top = vectors.narrow(1, count - k, k).flip(1);                 // descending variance
        Tensor scale = values.narrow(0, count - k, k).flip(0).clamp_min(1e-12).sqrt();
        // Unit-length pixel-space directions: X^T u / sqrt(lambda).
        Tensor directions = (centred.t().matmul(top.to(float32)) / scale.to(float32)).contiguous();
        return new PixelPca(mean.MoveToOuterDisposeScope(), directions.MoveToOuterDisposeScope());
    }

    /// <summary>Projects <paramref name="count"/> clips onto the components: count x <see cref="Components"/> floats.</summary>
    public void Project(ReadOnlySpan<float> clips, int count, Span<float> destination)
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(clips.ToArray(), [count, _mean.shape[0]]);
        (x - _mean).matmul(_components).contiguous().data<float>().CopyTo(destination);
    }

    public void Dispose()
    {
        _mean.Dispose();
        _components.Dispose();
    }
}
