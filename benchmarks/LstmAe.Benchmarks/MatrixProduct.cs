namespace LstmAe.Benchmarks;

/// <summary>
/// <see cref="Count"/> matrix products of one shape: an [M x K] operand times a [K x N] one, 2 x M x N x K FLOPs each.
/// </summary>
/// <param name="Name">What the product computes, e.g. "encoder l0 input, dX".</param>
/// <param name="M">Rows of the result.</param>
/// <param name="N">Columns of the result.</param>
/// <param name="K">The summed-over dimension.</param>
/// <param name="Count">How many times a step or pass runs it.</param>
public sealed record MatrixProduct(string Name, long M, long N, long K, long Count)
{
    /// <summary>Floating-point operations of all <see cref="Count"/> products.</summary>
    public double Flops => 2.0 * M * N * K * Count;

    /// <summary>The shape, for grouping products that a GEMM of one size measures.</summary>
    public (long M, long N, long K) Shape => (M, N, K);
}
