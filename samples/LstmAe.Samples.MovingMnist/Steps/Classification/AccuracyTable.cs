namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>One classification task's results: per representation, the test accuracy of the tuned classifier for
/// each label budget, over several seeds.</summary>
/// <param name="Task">What is classified, in words.</param>
/// <param name="Classes">Number of classes (chance is about 1 / Classes).</param>
/// <param name="LabelCounts">The label budgets (columns).</param>
/// <param name="Rows">One per representation.</param>
public sealed record AccuracyTable(string Task, int Classes, IReadOnlyList<int> LabelCounts, IReadOnlyList<AccuracyRow> Rows)
{
    /// <summary>The trained features' mean accuracy minus the best pixel baseline's at <paramref name="labels"/>, in
    /// percentage points; null when that budget or either kind of row is missing.</summary>
    /// <param name="labels">The label budget compared.</param>
    /// <param name="trained">The row of the trained features.</param>
    public double? MarginOverPixels(int labels, string trained)
    {
        int column = LabelCounts.ToList().IndexOf(labels);
        var features = Rows.FirstOrDefault(row => row.Representation == trained);
        var pixels = Rows.Where(row => row.IsPixelBaseline).ToList();
        if (column < 0 || features is null || pixels.Count == 0)
        {
            return null;
        }
        return 100 * (features.Mean[column] - pixels.Max(row => row.Mean[column]));
    }
}

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
