namespace LstmAe.Core.Tests.TestSupport;

/// <summary>Element-wise comparisons of float arrays with the position of the first difference in the message.</summary>
internal static class TensorAssert
{
    public static void AreClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > tolerance)
                Assert.Fail($"{what}[{i}]: expected {expected[i]}, got {actual[i]} (tolerance {tolerance}).");
        }
    }

    public static void AreRelativelyClose(double expected, double actual, double relativeTolerance, string what)
    {
        double error = Math.Abs(expected - actual) / Math.Abs(expected);
        Assert.IsTrue(error <= relativeTolerance, $"{what}: expected {expected}, got {actual} (relative error {error:E2}).");
    }
}
