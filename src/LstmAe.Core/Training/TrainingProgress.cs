namespace LstmAe.Training;

/// <summary>
/// Reported after every optimizer step. When validation runs at the end of an epoch, the epoch's last step is
/// reported a second time with <see cref="ValidationLoss"/> set.
/// </summary>
/// <param name="Step">Optimizer steps taken so far in the run (1 after the first update).</param>
/// <param name="Epoch">Zero-based epoch the step belongs to.</param>
/// <param name="Loss">The minibatch's training loss before the update.</param>
/// <param name="ReconstructionLoss">Its reconstruction term; null without a reconstruction decoder.</param>
/// <param name="PredictionLoss">Its prediction term; null without a prediction decoder.</param>
/// <param name="ValidationLoss">Validation loss, when a validation ran after this step; otherwise null.</param>
/// <param name="SequencesPerSecond">Training throughput since the run (or resume) began, excluding validation.</param>
/// <param name="ReconstructionNatsPerFrame">Reconstruction cross-entropy in nats per frame; null when the decoder is absent or the targets are not pixel values in [0, 1].</param>
/// <param name="PredictionNatsPerFrame">Prediction cross-entropy in nats per frame; null when the decoder is absent or the targets are not pixel values in [0, 1].</param>
/// <param name="LearningRate">Learning rate used for the step.</param>
/// <param name="GradientNorm">Global L2 norm of the gradients, before any clipping.</param>
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
