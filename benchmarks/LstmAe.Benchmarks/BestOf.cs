namespace LstmAe.Benchmarks;

/// <summary>The best of a few runs of a rate: the one least disturbed by other work on a shared machine.</summary>
internal static class BestOf
{
    /// <summary>Runs per figure.</summary>
    public const int Runs = 3;

    /// <summary>The highest of <see cref="Runs"/> results of <paramref name="measure"/> (a rate: higher is better).</summary>
    public static double Rate(Func<double> measure) => Enumerable.Range(0, Runs).Max(_ => measure());
}
