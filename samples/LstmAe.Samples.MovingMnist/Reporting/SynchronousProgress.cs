namespace LstmAe.Samples.MovingMnist.Reporting;

/// <summary>Reports synchronously on the training thread, in order (System.Progress would post to the thread pool).</summary>
/// <typeparam name="T">What is reported.</typeparam>
/// <param name="report">Called with each report.</param>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
