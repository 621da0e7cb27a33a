using ImageMagick;

namespace LstmAe.Visualization;

/// <summary>
/// Animated GIF of one sequence, panels side by side: the true frames (input, then future), the reconstruction
/// (shown while the input plays) and the prediction (shown while the future plays). Missing panels are left out;
/// a panel with nothing to show at a time step is black.
/// </summary>
public static class ComparisonAnimation
{
    /// <summary>Writes the animation to a GIF file, replacing any file at <paramref name="path"/>.</summary>
    /// <param name="path">The GIF file to write.</param>
    /// <param name="sequence">The sequence to animate.</param>
    /// <param name="options">Layout and timing, or null for <see cref="RenderOptions.Default"/>.</param>
    public static void WriteGif(string path, SequenceComparison sequence, RenderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(sequence);
        sequence.Validate();
        options ??= RenderOptions.Default;
        options.Validate();

        bool hasReconstruction = sequence.Reconstruction is not null, hasPrediction = sequence.Prediction is not null;
        int panels = 1 + (hasReconstruction ? 1 : 0) + (hasPrediction ? 1 : 0);
        int panelWidth = sequence.FrameWidth * options.Scale, panelHeight = sequence.FrameHeight * options.Scale;
        int width = panels * panelWidth + (panels + 1) * options.Gap, height = panelHeight + 2 * options.Gap;

        using var animation = new MagickImageCollection();
        for (int t = 0; t < sequence.InputFrames + sequence.FutureFrames; t++)
        {
            var canvas = new GreyCanvas(width, height);
            int left = options.Gap;
            void Draw(ReadOnlySpan<float> frame)
            {
                canvas.DrawFrame(frame, sequence.FrameHeight, sequence.FrameWidth, left, options.Gap, options.Scale);
                left += panelWidth + options.Gap;
            }
            Draw(sequence.TruthAt(t));
            if (hasReconstruction)
            {
                Draw(sequence.ReconstructionAt(t));
            }
            if (hasPrediction)
            {
                Draw(sequence.PredictionAt(t));
            }

            var image = canvas.ToImage();
            image.AnimationDelay = (uint)Math.Max(1, options.FrameDelayMilliseconds / 10);
            animation.Add(image);
        }
        animation[0].AnimationIterations = 0; // loop forever
        animation.Write(path, MagickFormat.Gif);
    }
}
