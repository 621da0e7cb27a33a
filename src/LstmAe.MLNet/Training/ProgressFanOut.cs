using LstmAe.Training;

namespace LstmAe.MLNet.Training;

/// <summary>Passes each training progress report to several receivers in turn, on the reporting thread: the
/// trainer takes one <see cref="IProgress{T}"/>, and the estimator feeds both <c>mlContext.Log</c> and the
/// caller's <see cref="LstmAutoEncoderOptions.Progress"/>.</summary>
internal sealed class ProgressFanOut(params IProgress<TrainingProgress>[] receivers) : IProgress<TrainingProgress>
{
    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        foreach (IProgress<TrainingProgress> receiver in receivers)
            receiver.Report(value);
    }
}
