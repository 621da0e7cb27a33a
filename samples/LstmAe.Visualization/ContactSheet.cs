using ImageMagick;

namespace LstmAe.Visualization;

/// <summary>
/// A PNG grid of several sequences. Each sequence takes two rows, one column per time step: on top the true frames
/// (input, then future); below, the reconstruction under the input frames and the prediction under the future ones.
/// Sequences are separated by a wider gap.
/// </summary>
public static class ContactSheet
{
    /// <summary>Writes the contact sheet to a PNG file, replacing any file at <paramref name="path"/>.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="sequences">The sequences, all with the same frame size.</param>
    /// <param name="options">Layout, or null for <see cref="RenderOptions.Default"/>.</param>
    public static void WritePng(string path, IReadOnlyList<SequenceComparison> sequences, RenderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var image = Render(sequences, options);
        image.Write(path, MagickFormat.Png);
    }

    /// <summary>Draws the contact sheet.</summary>
    /// <param name="sequences">The sequences, all with the same frame size.</param>
    /// <param name="options">Layout, or null for <see cref="RenderOptions.Default"/>.</param>
    /// <returns>The image; the caller disposes it.</returns>
    public static MagickImage Render(IReadOnlyList<SequenceComparison> sequences, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            throw new ArgumentException("A contact sheet needs at least one sequence.", nameof(sequences));
        }
        options ??= RenderOptions.Default;
        options.Validate();
        var first = sequences[0];
        foreach (var sequence in sequences)
        {
            sequence.Validate();
            if (sequence.FrameHeight != first.FrameHeight || sequence.FrameWidth != first.FrameWidth)
            {
                throw new ArgumentException(
                    $"All sequences need the same frame size; found {first.FrameHeight}x{first.FrameWidth} and {sequence.FrameHeight}x{sequence.FrameWidth}.",
                    nameof(sequences));
            }
        }

        int cellWidth = first.FrameWidth * options.Scale + options.Gap, cellHeight = first.FrameHeight * options.Scale + options.Gap;
        int sequenceGap = 3 * options.Gap;
        int columns = sequences.Max(s => s.InputFrames + s.FutureFrames);
        int width = columns * cellWidth + options.Gap;
        int height = sequences.Count * (2 * cellHeight + sequenceGap) - sequenceGap + options.Gap;

        var canvas = new GreyCanvas(width, height);
        int top = options.Gap;
        foreach (var sequence in sequences)
        {
            for (int t = 0; t < sequence.InputFrames + sequence.FutureFrames; t++)
            {
                int left = options.Gap + t * cellWidth;
                canvas.DrawFrame(sequence.TruthAt(t), first.FrameHeight, first.FrameWidth, left, top, options.Scale);
                var model = t < sequence.InputFrames ? sequence.ReconstructionAt(t) : sequence.PredictionAt(t);
                canvas.DrawFrame(model, first.FrameHeight, first.FrameWidth, left, top + cellHeight, options.Scale);
            }
            top += 2 * cellHeight + sequenceGap;
        }
        return canvas.ToImage();
    }
}
