namespace LstmAe.Training;

/// <summary>The outcome of <see cref="AutoEncoderTrainer.Fit"/>.</summary>
/// <param name="StopReason">Why training stopped.</param>
/// <param name="Steps">Optimizer steps taken in total (including any before a resume).</param>
/// <param name="Epochs">Epochs completed in total.</param>
/// <param name="LastProgress">The last step's report; null when no step ran.</param>
/// <param name="BestValidationLoss">Lowest validation loss seen; null without validation.</param>
/// <param name="Elapsed">Wall-clock time of this call.</param>
public sealed record TrainingResult(
    TrainingStopReason StopReason,
    long Steps,
    int Epochs,
    TrainingProgress? LastProgress,
    double? BestValidationLoss,
    TimeSpan Elapsed)
{
    /// <summary>The step this call resumed at from <see cref="TrainingOptions.CheckpointPath"/>; null when it started
    /// afresh, including when <see cref="TrainingOptions.ResumeFromCheckpoint"/> found no checkpoint file.</summary>
    public long? ResumedFromStep { get; init; }

    /// <summary>True when the cancellation token stopped training.</summary>
    public bool Cancelled => StopReason == TrainingStopReason.Cancelled;
}
