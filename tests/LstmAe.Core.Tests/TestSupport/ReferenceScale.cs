namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// The sizes of the sums of products a reference run computed (gate pre-activations and output layers), from which
/// <see cref="RoundingTolerance"/> estimates the rounding error of a correct float32 or bfloat16 implementation.
/// </summary>
internal sealed class ReferenceScale
{
    /// <summary>The most terms in one sum: the reduction length K.</summary>
    public int LongestReduction { get; private set; }

    /// <summary>The largest <c>Σ|a_i b_i|</c> of one sum.</summary>
    public double LargestAbsoluteSum { get; private set; }

    /// <summary>The largest <c>√Σ(a_i b_i)²</c> of one sum.</summary>
    public double LargestRootSumOfSquares { get; private set; }

    /// <summary>The largest <c>|Σ a_i b_i|</c>: the size of a product's result.</summary>
    public double LargestResult { get; private set; }

    /// <summary><c>Σ a_i b_i</c> in float64, recording its sizes.</summary>
    public double Product(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0, absoluteSum = 0, sumOfSquares = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double term = a[i] * b[i];
            sum += term;
            absoluteSum += Math.Abs(term);
            sumOfSquares += term * term;
        }
        LongestReduction = Math.Max(LongestReduction, a.Length);
        LargestAbsoluteSum = Math.Max(LargestAbsoluteSum, absoluteSum);
        LargestRootSumOfSquares = Math.Max(LargestRootSumOfSquares, Math.Sqrt(sumOfSquares));
        LargestResult = Math.Max(LargestResult, Math.Abs(sum));
        return sum;
    }
}
