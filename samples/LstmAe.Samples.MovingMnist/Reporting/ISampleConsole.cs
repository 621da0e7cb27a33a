using LstmAe.Training;

namespace LstmAe.Samples.MovingMnist.Reporting;

/// <summary>Where the sample reports: a live terminal, or plain lines when output is redirected.</summary>
public interface ISampleConsole
{
    /// <summary>Starts a section.</summary>
    /// <param name="title">The section's title.</param>
    void Heading(string title);

    /// <summary>Writes one line of text.</summary>
    /// <param name="text">The text.</param>
    void Line(string text);

    /// <summary>Writes a table.</summary>
    /// <param name="columns">Column headers.</param>
    /// <param name="rows">Cells, one list per row.</param>
    void Table(IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows);

    /// <summary>Runs <paramref name="train"/>, showing the progress it reports.</summary>
    /// <typeparam name="T">What training returns.</typeparam>
    /// <param name="totalSteps">Steps expected, for a progress bar.</param>
    /// <param name="train">The training, given a sink for its progress.</param>
    /// <returns>What <paramref name="train"/> returned.</returns>
    T Train<T>(long totalSteps, Func<IProgress<TrainingProgress>, T> train);
}
