using LstmAe.Visualization;

namespace LstmAe.Samples.MovingMnist.Steps;

/// <summary>Draws the test examples (a GIF each and a contact sheet) and the loss curves.</summary>
internal static class Pictures
{
    /// <param name="folder">Where to write.</param>
    /// <param name="examples">The test sequences to draw.</param>
    /// <param name="history">The losses seen while training.</param>
    /// <param name="frameSize">Pixels per frame: the per-pixel losses are drawn in nats per frame.</param>
    public static IReadOnlyList<string> Write(OutputFolder folder, IReadOnlyList<SequenceComparison> examples, LossHistory history, int frameSize)
    {
        var written = new List<string>(ComparisonPictures.Write(
            folder.Path, examples, RenderOptions.Default with { Scale = 3 }, RenderOptions.Default with { Scale = 1 }));
        LossPoint InNats(LossPoint point) => point with { Loss = point.Loss * frameSize };
        LossCurvePlot.WritePng(folder.File(OutputFolder.LossCurveFile), history.Training.Select(InNats).ToList(), history.Validation.Select(InNats).ToList(),
            "cross-entropy, nats per frame (reconstruction + prediction)");
        written.Add(OutputFolder.LossCurveFile);
        return written;
    }
}
