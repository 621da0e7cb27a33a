using LstmAe.Training;

namespace LstmAe.Cli.Commands;

/// <summary>One plain line every few steps, and one each time validation loss is measured; epochs count from 1.</summary>
internal sealed class ProgressLines(TextWriter output, int every) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.ValidationLoss is double validation)
        {
            output.WriteLine(FormattableString.Invariant($"step {value.Step,6}  epoch {value.Epoch + 1,3}  validation loss {validation,9:F4}"));
        }
        else if (value.Step % every == 0)
        {
            output.WriteLine(FormattableString.Invariant(
                $"step {value.Step,6}  epoch {value.Epoch + 1,3}  loss {value.Loss,9:F4}{NatsPerFrame(value)}  ({value.SequencesPerSecond:F1} sequences/s)"));
        }
    }

    /// <summary>The paper's unit, where the objective is cross-entropy.</summary>
    private static string NatsPerFrame(TrainingProgress value) =>
        (value.ReconstructionNatsPerFrame, value.PredictionNatsPerFrame) switch
        {
            (double r, double p) => FormattableString.Invariant($"  [nats/frame: reconstruction {r:F1}, prediction {p:F1}]"),
            (double r, null) => FormattableString.Invariant($"  [nats/frame: reconstruction {r:F1}]"),
            (null, double p) => FormattableString.Invariant($"  [nats/frame: prediction {p:F1}]"),
            _ => "",
        };
}
