using System.Globalization;
using LstmAe.Training;
using Spectre.Console;

namespace LstmAe.Samples.MovingMnist.Reporting;

/// <summary>An interactive terminal: headings as rules, tables as Spectre tables, a live progress bar while training.</summary>
/// <param name="console">The Spectre console.</param>
/// <param name="frameSize">Pixels per frame, to convert per-pixel cross-entropy into nats per frame.</param>
public sealed class LiveSampleConsole(IAnsiConsole console, int frameSize) : ISampleConsole
{
    /// <inheritdoc/>
    public void Heading(string title) => console.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());

    /// <inheritdoc/>
    public void Line(string text) => console.WriteLine(text);

    /// <inheritdoc/>
    public void Table(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        for (int c = 0; c < columns.Count; c++)
        {
            var column = new TableColumn(Markup.Escape(columns[c]));
            table.AddColumn(c == 0 ? column : column.RightAligned());
        }
        foreach (var row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
    }

    /// <inheritdoc/>
    public T Train<T>(long totalSteps, Func<IProgress<TrainingProgress>, T> train)
    {
        double? lastValidation = null;
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: totalSteps);
                return train(new SynchronousProgress<TrainingProgress>(report =>
                {
                    lastValidation = report.ValidationLoss ?? lastValidation;
                    string validation = lastValidation is double v ? string.Create(CultureInfo.InvariantCulture, $", validation {v:F3}") : "";
                    task.Description = Markup.Escape($"{TrainingText.CompactLosses(report, frameSize)}{validation}");
                    task.Value = Math.Min(report.Step, totalSteps);
                }));
            });
    }
}
