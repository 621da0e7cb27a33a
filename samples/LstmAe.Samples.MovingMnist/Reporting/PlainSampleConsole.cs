using System.Globalization;
using LstmAe.Training;

namespace LstmAe.Samples.MovingMnist.Reporting;

/// <summary>
/// Plain text for logs and redirected output: each line printed once, training progress every few percent and at
/// every validation, never redrawn.
/// </summary>
/// <param name="output">Where to write.</param>
/// <param name="frameSize">Pixels per frame, to convert per-pixel cross-entropy into nats per frame.</param>
public sealed class PlainSampleConsole(TextWriter output, int frameSize) : ISampleConsole
{
    /// <summary>Progress lines per training run, roughly.</summary>
    private const int ProgressLines = 20;

    /// <inheritdoc/>
    public void Heading(string title)
    {
        output.WriteLine();
        output.WriteLine($"== {title} ==");
    }

    /// <inheritdoc/>
    public void Line(string text) => output.WriteLine(text);

    /// <inheritdoc/>
    public void Table(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { columns };
        all.AddRange(rows);
        int[] widths = Enumerable.Range(0, columns.Count).Select(c => all.Max(row => row[c].Length)).ToArray();
        foreach (var row in all)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))));
        }
    }

    /// <inheritdoc/>
    public T Train<T>(long totalSteps, Func<IProgress<TrainingProgress>, T> train)
    {
        long every = Math.Max(1, totalSteps / ProgressLines);
        return train(new SynchronousProgress<TrainingProgress>(report =>
        {
            if (report.ValidationLoss is double validation)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {report.Step}/{totalSteps}: validation loss {validation:F4}"));
            }
            else if (report.Step % every == 0 || report.Step == 1)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"step {report.Step}/{totalSteps} (epoch {report.Epoch + 1}): {TrainingText.Losses(report, frameSize)}, {report.SequencesPerSecond:F1} sequences/s"));
            }
        }));
    }
}
