using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace LstmAe.Visualization;

/// <summary>
/// A PNG chart of the training and validation loss against the optimiser step (OxyPlot, drawn by SkiaSharp), on a
/// logarithmic loss axis when every loss is positive.
/// </summary>
public static class LossCurvePlot
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 900;

    /// <summary>Image height in pixels.</summary>
    public const int Height = 520;

    /// <summary>Writes the chart to a PNG file, replacing any file at <paramref name="path"/>.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="training">The training loss per logged step; at least one point.</param>
    /// <param name="validation">The validation loss where it was measured; may be empty.</param>
    /// <param name="lossName">The y-axis title, e.g. "loss (nats per frame)".</param>
    public static void WritePng(string path, IReadOnlyList<LossPoint> training, IReadOnlyList<LossPoint> validation, string lossName = "loss")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = CreateModel(training, validation, lossName);
        using var stream = File.Create(path);
        new OxyPlot.SkiaSharp.PngExporter { Width = Width, Height = Height }.Export(model, stream);
    }

    /// <summary>Builds the chart.</summary>
    /// <param name="training">The training loss per logged step; at least one point.</param>
    /// <param name="validation">The validation loss where it was measured; may be empty.</param>
    /// <param name="lossName">The y-axis title.</param>
    /// <returns>The OxyPlot model.</returns>
    public static PlotModel CreateModel(IReadOnlyList<LossPoint> training, IReadOnlyList<LossPoint> validation, string lossName = "loss")
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        if (training.Count == 0)
        {
            throw new ArgumentException("The training curve has no points.", nameof(training));
        }
        var firstBad = training.Concat(validation).FirstOrDefault(p => !double.IsFinite(p.Step) || !double.IsFinite(p.Loss));
        if (firstBad != default)
        {
            throw new ArgumentException($"Loss curves need finite values; found loss {firstBad.Loss} at step {firstBad.Step}.");
        }

        var model = new PlotModel { Title = "Training and validation loss", Background = OxyColors.White };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "step", MajorGridlineStyle = LineStyle.Dot });
        // Losses fall by orders of magnitude early on; a log scale keeps the later, slower progress visible.
        bool positive = training.Concat(validation).All(p => p.Loss > 0);
        model.Axes.Add(positive
            ? new LogarithmicAxis { Position = AxisPosition.Left, Title = lossName, MajorGridlineStyle = LineStyle.Dot, MinorGridlineStyle = LineStyle.Dot }
            : new LinearAxis { Position = AxisPosition.Left, Title = lossName, MajorGridlineStyle = LineStyle.Dot });
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopRight, LegendPlacement = LegendPlacement.Inside });
        model.Series.Add(CreateSeries("training", training, OxyColors.SteelBlue, MarkerType.None));
        if (validation.Count > 0)
        {
            model.Series.Add(CreateSeries("validation", validation, OxyColors.OrangeRed, MarkerType.Circle));
        }
        return model;
    }

    private static LineSeries CreateSeries(string title, IEnumerable<LossPoint> points, OxyColor color, MarkerType marker)
    {
        var series = new LineSeries { Title = title, Color = color, MarkerType = marker, MarkerFill = color, StrokeThickness = 2 };
        series.Points.AddRange(points.Select(p => new DataPoint(p.Step, p.Loss)));
        return series;
    }
}
