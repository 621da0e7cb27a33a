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
