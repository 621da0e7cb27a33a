namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>The results of one representation on one task.</summary>
/// <param name="Representation">What the classifier saw.</param>
/// <param name="IsPixelBaseline">True for a pixel baseline (mean frame, max over time, PCA).</param>
/// <param name="Mean">Mean test accuracy over the seeds, per label budget.</param>
/// <param name="StandardDeviation">Sample standard deviation over the seeds (0 for one seed), per label budget.</param>
/// <param name="PerSeed">Test accuracy per seed (outer) and label budget (inner).</param>
/// <param name="Chosen">The setting validation chose, per seed (outer) and label budget (inner).</param>
public sealed record AccuracyRow(string Representation, bool IsPixelBaseline, IReadOnlyList<double> Mean,
    IReadOnlyList<double> StandardDeviation, IReadOnlyList<IReadOnlyList<double>> PerSeed, IReadOnlyList<IReadOnlyList<string>> Chosen)
{
    /// <summary>Summarises one representation's results over seeds.</summary>
    /// <param name="representation">Its name.</param>
    /// <param name="isPixelBaseline">Whether it is a pixel baseline.</param>
    /// <param name="perSeed">Per seed, one result per label budget.</param>
    internal static AccuracyRow From(string representation, bool isPixelBaseline, IReadOnlyList<TunedAccuracy[]> perSeed)
    {
        int budgets = perSeed[0].Length;
        var mean = new double[budgets];
        var deviation = new double[budgets];
        for (int b = 0; b < budgets; b++)
        {
            double[] values = perSeed.Select(seed => seed[b].TestAccuracy).ToArray();
            mean[b] = values.Average();
            deviation[b] = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean[b]) * (v - mean[b])) / (values.Length - 1)) : 0;
        }
        return new AccuracyRow(representation, isPixelBaseline, mean, deviation,
            perSeed.Select(seed => (IReadOnlyList<double>)seed.Select(r => r.TestAccuracy).ToArray()).ToArray(),
            perSeed.Select(seed => (IReadOnlyList<string>)seed.Select(r => r.Chosen).ToArray()).ToArray());
    }
}
