using System.Globalization;
using LstmAe.Training;

namespace LstmAe.Samples.MovingMnist.Reporting;

/// <summary>How a progress report's losses read: in nats per frame, the paper's unit.</summary>
internal static class TrainingText
{
    /// <summary>"loss 0.9921 (reconstruction 2051 nats/frame, prediction 2012 nats/frame)".</summary>
    public static string Losses(TrainingProgress report, int frameSize)
    {
        var parts = new List<string>();
        if (report.ReconstructionLoss is double reconstruction)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"reconstruction {reconstruction * frameSize:F0}"));
        }
        if (report.PredictionLoss is double prediction)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"prediction {prediction * frameSize:F0}"));
        }
        string detail = parts.Count == 0 ? "" : $" ({string.Join(", ", parts)} nats/frame)";
        return string.Create(CultureInfo.InvariantCulture, $"loss {report.Loss:F4}{detail}");
    }

    /// <summary>"2051 + 2012 nats/frame": short enough for a progress bar's label on a narrow terminal.</summary>
    public static string CompactLosses(TrainingProgress report, int frameSize)
    {
        var terms = new[] { report.ReconstructionLoss, report.PredictionLoss }.OfType<double>().Select(term => (term * frameSize).ToString("F0", CultureInfo.InvariantCulture)).ToList();
        return terms.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"loss {report.Loss:F4}")
            : $"{string.Join(" + ", terms)} nats/frame";
    }
}
