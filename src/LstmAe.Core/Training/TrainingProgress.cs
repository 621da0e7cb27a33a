namespace LstmAe.Training;

/// <summary>
/// Reported every <see cref="TrainingOptions.ReportEverySteps"/> optimizer steps: after every step on the CPU by
/// default, every <see cref="TrainingOptions.DefaultCudaReportEverySteps"/> steps on CUDA. Where that is more than 1,
/// a report also comes before each validation and checkpoint, at the end of each epoch and when training stops, and
/// covers the steps since the previous report. When validation runs at the end of an epoch, the epoch's last report
/// is repeated with <see cref="ValidationLoss"/> set.
/// </summary>
/// <param name="Step">Optimizer steps taken so far in the run (1 after the first update).</param>
/// <param name="Epoch">Zero-based epoch the step belongs to.</param>
/// <param name="Loss">The training loss of the minibatches the report covers, each before its update: one step's
/// loss when reporting every step, otherwise the mean over the steps since the previous report.</param>
/// <param name="ReconstructionLoss">Its reconstruction term; null without a reconstruction decoder.</param>
/// <param name="PredictionLoss">Its prediction term; null without a prediction decoder.</param>
/// <param name="ValidationLoss">Validation loss, when a validation ran after this step; otherwise null.</param>
/// <param name="SequencesPerSecond">Training throughput since the run (or resume) began, excluding validation.</param>
/// <param name="ReconstructionNatsPerFrame">Reconstruction cross-entropy in nats per frame; null when the decoder is absent or the targets are not pixel values in [0, 1].</param>
/// <param name="PredictionNatsPerFrame">Prediction cross-entropy in nats per frame; null when the decoder is absent or the targets are not pixel values in [0, 1].</param>
/// <param name="LearningRate">Learning rate used for the report's last step.</param>
/// <param name="GradientNorm">Global L2 norm of the report's last step's gradients, before any clipping.</param>
public sealed record TrainingProgress(
    long Step,
    int Epoch,
    double Loss,
    double? ReconstructionLoss,
    double? PredictionLoss,
    double? ValidationLoss,
    double SequencesPerSecond,
    double? ReconstructionNatsPerFrame,
    double? PredictionNatsPerFrame,
    double LearningRate,
    double GradientNorm);
