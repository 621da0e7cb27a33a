using TorchSharp;

namespace LstmAe.Interop;

/// <summary>
/// Numbers the model and the loss pass to libtorch, as native scalars that live as long as the process.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns a number given to a tensor method (including the implicit <c>alpha = 1</c> of
/// <c>a + b</c>) into a <see cref="Scalar"/> that only its finalizer frees, and passes the native handle without
/// keeping the object alive. A garbage collection during the native call can then free the scalar while libtorch
/// reads it, which fails at random with "Expected false to be true ... toFloat" (docs/platform.md). Scalars held in
/// static fields are never collected, so hot paths use these instead.
/// </remarks>
internal static class RetainedScalars
{
    /// <summary>0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>1, also the <c>alpha</c> of a plain sum.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>-1, the <c>alpha</c> of a difference.</summary>
    public static readonly Scalar MinusOne = (-1).ToScalar();

    /// <summary>2.</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>Lower bound of MSE outputs when their cross-entropy is taken.</summary>
    public static readonly Scalar PixelClampLow = Metrics.FrameMetrics.PixelClamp.ToScalar();

    /// <summary>Upper bound of MSE outputs when their cross-entropy is taken.</summary>
    public static readonly Scalar PixelClampHigh = (1 - Metrics.FrameMetrics.PixelClamp).ToScalar();

    /// <summary><paramref name="left"/> + <paramref name="right"/> without a temporary scalar.</summary>
    public static torch.Tensor Sum(torch.Tensor left, torch.Tensor right) => left.add(right, One);
}
