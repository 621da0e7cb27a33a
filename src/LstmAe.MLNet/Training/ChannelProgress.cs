using System.Globalization;
using LstmAe.Training;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet.Training;

/// <summary>Writes training progress to an ML.NET channel, so it reaches <c>mlContext.Log</c>: the report of step 1,
/// every report whose step is a multiple of <paramref name="every"/>, and every report with a validation loss.</summary>
internal sealed class ChannelProgress(IChannel channel, int every) : IProgress<TrainingProgress>
{
    /// <summary>The last report received.</summary>
    public TrainingProgress? Last { get; private set; }

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        Last = value;
        if (value.Step % every != 0 && value.ValidationLoss is null && value.Step != 1)
            return;
        channel.Info(MessageSensitivity.None, Format(value));
    }

    /// <summary>One log line: step, epoch, losses and throughput.</summary>
    public static string Format(TrainingProgress p)
    {
        var line = new System.Text.StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"step {p.Step} epoch {p.Epoch}: loss {p.Loss:G5}");
        if (p.ReconstructionLoss is { } r) line.Append(CultureInfo.InvariantCulture, $", reconstruction {r:G5}");
        if (p.PredictionLoss is { } f) line.Append(CultureInfo.InvariantCulture, $", prediction {f:G5}");
        if (p.ValidationLoss is { } v) line.Append(CultureInfo.InvariantCulture, $", validation {v:G5}");
        line.Append(CultureInfo.InvariantCulture, $", {p.SequencesPerSecond:F1} sequences/s");
        return line.ToString();
    }
}
