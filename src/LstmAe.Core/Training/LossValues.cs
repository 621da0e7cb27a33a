namespace LstmAe.Training;

/// <summary>The loss of one minibatch or of a whole evaluation, as numbers.</summary>
/// <param name="Loss">The training objective: reconstruction plus prediction loss (each a mean per pixel).</param>
/// <param name="ReconstructionLoss">Mean per-pixel loss of the reconstruction decoder; null when absent.</param>
/// <param name="PredictionLoss">Mean per-pixel loss of the prediction decoder; null when absent.</param>
/// <param name="ReconstructionNatsPerFrame">Reconstruction cross-entropy in the paper's unit: nats summed over a
/// frame's pixels, averaged over frames and sequences; null when the decoder is absent or the targets are not pixel
/// values in [0, 1].</param>
/// <param name="PredictionNatsPerFrame">Prediction cross-entropy in nats per frame; null as for the reconstruction.</param>
public sealed record LossValues(
    double Loss,
    double? ReconstructionLoss,
    double? PredictionLoss,
    double? ReconstructionNatsPerFrame,
    double? PredictionNatsPerFrame);
