using LstmAe.Model;

namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// How far a correct float32 or bfloat16 implementation may be from the float64 reference, derived from rounding
/// and the reduction length, whatever summation order or vector width a CPU's kernel picks:
/// <list type="bullet">
/// <item>A K-term float32 sum of products is within λ·√K·u·Σ|a_i b_i| of the exact sum with probability at least
/// 1 − 2·exp(−λ²/2) per sum (Higham and Mary, "A new approach to probabilistic rounding error analysis", SIAM J. Sci.
/// Comput. 41(5), 2019), with u = 2⁻²⁴. λ = 6 makes that 1 − 3e-8.</item>
/// <item>bfloat16 products (<see cref="MatrixPrecision.BFloat16"/>) round both operands (relative 2⁻⁹ each,
/// independently per term: about √2·2⁻⁹·√Σ(a_i b_i)²) and the result (2⁻⁹·|Σ a_i b_i|).</item>
/// <item>Each sequential step of each layer adds such an error to the state; the gates' slopes are at most 1, so the
/// errors of S steps are taken to add up like independent ones, √S times one step's.</item>
/// </list>
/// A kernel that computes the wrong thing is off by the size of the values (the defect this guards against gave
/// errors of 0.2 to 1.4 in states bounded by 1), far above these bounds.
/// </summary>
internal static class RoundingTolerance
{
    /// <summary>float32's unit roundoff, 2⁻²⁴.</summary>
    public const double Float32UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>bfloat16's unit roundoff, 2⁻⁹ (8 significant bits).</summary>
    public const double BFloat16UnitRoundoff = 1.0 / (1 << 9);

    private const double Lambda = 6;

    /// <summary>The largest expected error of a state or output after <paramref name="sequentialSteps"/> steps
    /// through <paramref name="layers"/> layers, for products of the sizes <paramref name="scale"/> recorded.</summary>
    public static double Forward(ReferenceScale scale, MatrixPrecision precision, int sequentialSteps, int layers)
    {
        double oneProduct = Lambda * Math.Sqrt(scale.LongestReduction) * Float32UnitRoundoff * scale.LargestAbsoluteSum;
        if (precision == MatrixPrecision.BFloat16)
            oneProduct += Lambda * BFloat16UnitRoundoff * (Math.Sqrt(2) * scale.LargestRootSumOfSquares + scale.LargestResult);
        return oneProduct * Math.Sqrt(sequentialSteps * layers);
    }
}
