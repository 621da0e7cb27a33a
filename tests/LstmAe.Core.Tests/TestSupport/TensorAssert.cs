namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// Element-wise comparisons with the position of the first difference in the message. A NaN or infinity on either
/// side fails: every comparison is written so that a NaN makes it false.
/// </summary>
internal static class TensorAssert
{
    public static void AreClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= tolerance))
                Assert.Fail($"{what}[{i}]: expected {expected[i]}, got {actual[i]} (tolerance {tolerance}).");
        }
    }

    /// <summary>Fails unless every element of <paramref name="actual"/> is within <paramref name="tolerance"/> of the
    /// float64 <paramref name="expected"/>; returns the largest difference.</summary>
    public static double AreClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= tolerance))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2}, tolerance {tolerance:E2}).");
            largest = Math.Max(largest, error);
        }
        return largest;
    }

    public static void AreRelativelyClose(double expected, double actual, double relativeTolerance, string what)
    {
        double error = Math.Abs(expected - actual) / Math.Abs(expected);
        Assert.IsTrue(error <= relativeTolerance, $"{what}: expected {expected}, got {actual} (relative error {error:E2}).");
    }
}
