namespace LstmAe.Training;

/// <summary>Why training stopped.</summary>
public enum TrainingStopReason
{
    /// <summary>All <see cref="TrainingOptions.Epochs"/> ran.</summary>
    EpochsCompleted,
    /// <summary><see cref="TrainingOptions.MaxSteps"/> was reached.</summary>
    MaxStepsReached,
    /// <summary>Validation loss stopped improving for <see cref="TrainingOptions.EarlyStoppingPatience"/> validations.</summary>
    EarlyStopped,
    /// <summary>The cancellation token fired; training stopped after the step in progress.</summary>
    Cancelled,
}
