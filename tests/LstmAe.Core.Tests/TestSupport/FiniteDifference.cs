namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// Gradients of a float64 function of a parameter dictionary by central differences: exact to about 1e-9 of the
/// gradient's size for the smooth functions here (truncation error O(δ²), rounding error about 1e-16·|f|/δ).
/// </summary>
internal static class FiniteDifference
{
    private const double Step = 1e-5;

    /// <summary>∂<paramref name="function"/>/∂<paramref name="parameters"/>[<paramref name="name"/>][<paramref name="index"/>].</summary>
    public static double Derivative(Dictionary<string, double[]> parameters, string name, int index, Func<double> function)
    {
        double[] values = parameters[name];
        double original = values[index];
        try
        {
            values[index] = original + Step;
            double above = function();
            values[index] = original - Step;
            double below = function();
            return (above - below) / (2 * Step);
        }
        finally
        {
            values[index] = original;
        }
    }

    /// <summary>The derivative at up to <paramref name="count"/> entries of <paramref name="name"/>, chosen by
    /// <paramref name="random"/>.</summary>
    public static (int Index, double Value)[] Sample(
        Dictionary<string, double[]> parameters, string name, int count, Random random, Func<double> function) =>
        Enumerable.Range(0, count)
            .Select(_ => random.Next(parameters[name].Length))
            .Distinct()
            .Select(index => (index, Derivative(parameters, name, index, function)))
            .ToArray();
}
