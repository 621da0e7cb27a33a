namespace LstmAe.Cli.Features;

/// <summary>Feature vectors of sequences, one row each, ready to be written for other tools.</summary>
/// <param name="SequenceIndex">The sequence each row came from.</param>
/// <param name="Values">Rows one after another, <paramref name="Width"/> floats each.</param>
/// <param name="Width">Features per row.</param>
/// <param name="Labels">The class name of each row, or null when the sequences have no labels.</param>
/// <param name="Names">The name of each row's sequence (its folder), or null when the source names none.</param>
internal sealed record FeatureTable(int[] SequenceIndex, float[] Values, int Width, string[]? Labels = null, IReadOnlyList<string>? Names = null)
{
    public int Rows => SequenceIndex.Length;

    /// <summary>Column names: <c>sequence</c>, <c>name</c> when the sequences have names, <c>label</c> when they have
    /// labels, then <c>f0</c>, <c>f1</c>, ...</summary>
    public static string FeatureName(int column) => $"f{column}";

    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Width, Width);
}
