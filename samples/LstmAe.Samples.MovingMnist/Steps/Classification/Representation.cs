using LstmAe.Data;

namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>Computes one representation of a chunk of clips.</summary>
/// <param name="pixels">The clips' input frames, clip after clip.</param>
/// <param name="count">Clips in the chunk.</param>
/// <param name="destination">count x width floats.</param>
internal delegate void ChunkFeatures(ReadOnlySpan<float> pixels, int count, Span<float> destination);

/// <summary>
/// What a classifier sees of a clip: computed from the clips' pixels chunk by chunk (<see cref="FromPixels"/>), or
/// from the clips' generator settings through an ML.NET pipeline (<see cref="FromClips"/>).
/// </summary>
/// <param name="Name">The table's row name.</param>
/// <param name="Width">Floats per clip.</param>
/// <param name="IsPixelBaseline">True for the baselines without learning beyond PCA, the ones the trained features
/// must beat.</param>
/// <param name="CandidateWidths">Leading widths tuned on validation with the regularisation (a PCA's component
/// counts); null for <paramref name="Width"/> alone.</param>
internal sealed record Representation(string Name, int Width, bool IsPixelBaseline, IReadOnlyList<int>? CandidateWidths = null)
{
    /// <summary>Features from pixels, or null.</summary>
    public ChunkFeatures? FromPixels { get; init; }

    /// <summary>Features of every clip the settings generate, or null.</summary>
    public Func<MovingMnistOptions, float[]>? FromClips { get; init; }

    /// <summary>The widths to tune over.</summary>
    public IReadOnlyList<int> Widths => CandidateWidths ?? [Width];
}
