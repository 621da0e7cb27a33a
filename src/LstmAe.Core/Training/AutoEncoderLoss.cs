using LstmAe.Interop;
using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// The composite objective: the reconstruction decoder's loss against the input reversed (v_n..v_1) plus the
/// prediction decoder's loss against the future frames, each a mean over pixels, frames and sequences.
/// </summary>
public static class AutoEncoderLoss
{
    /// <summary>The differentiable training loss (a scalar tensor).</summary>
    /// <param name="output">The model's output for <paramref name="input"/>.</param>
    /// <param name="input">Input frames in time order, [batch, input frames, frame size].</param>
    /// <param name="future">Future frames, [batch, future frames, frame size]; needed when there is a prediction.</param>
    /// <param name="objective">Cross-entropy on logits, or squared error on pixel values.</param>
    public static Tensor Objective(AutoEncoderOutput output, Tensor input, Tensor? future, TrainingObjective objective)
    {
        ArgumentNullException.ThrowIfNull(output);
        Tensor? reconstruction = output.ReversedReconstruction is { } r ? Term(r, input.flip(1), objective) : null;
        Tensor? prediction = output.Prediction is { } p ? Term(p, RequireFuture(future), objective) : null;
        return (reconstruction, prediction) switch
        {
            ({ } a, { } b) => RetainedScalars.Sum(a, b),
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => throw new ArgumentException("The output holds neither a reconstruction nor a prediction.", nameof(output)),
        };
    }

    /// <summary>Every term of the loss as numbers, including cross-entropy in nats per frame.</summary>
    /// <remarks>Under MSE the outputs are pixel values, so their cross-entropy is taken after clamping them into (0, 1);
    /// it is left out (null) when the targets are not pixel values in [0, 1], as with sensor data.</remarks>
    public static LossValues Values(AutoEncoderOutput output, Tensor input, Tensor? future, TrainingObjective objective)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double? reconstruction = null, prediction = null, reconstructionNats = null, predictionNats = null;
        if (output.ReversedReconstruction is { } r)
        {
            Tensor target = input.flip(1);
            reconstruction = Term(r, target, objective).item<float>();
            reconstructionNats = NatsPerFrame(r, target, objective);
        }
        if (output.Prediction is { } p)
        {
            Tensor target = RequireFuture(future);
            prediction = Term(p, target, objective).item<float>();
            predictionNats = NatsPerFrame(p, target, objective);
        }
        return new LossValues((reconstruction ?? 0) + (prediction ?? 0), reconstruction, prediction, reconstructionNats, predictionNats);
    }

    private static Tensor Term(Tensor decoded, Tensor target, TrainingObjective objective) => objective switch
    {
        TrainingObjective.BinaryCrossEntropy => nn.functional.binary_cross_entropy_with_logits(decoded, target),
        TrainingObjective.MeanSquaredError => nn.functional.mse_loss(decoded, target),
        _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown objective."),
    };

    /// <summary>Cross-entropy summed over a frame's pixels, averaged over frames and sequences (the paper's unit);
    /// null when it is undefined because a target lies outside [0, 1].</summary>
    private static double? NatsPerFrame(Tensor decoded, Tensor target, TrainingObjective objective)
    {
        if (target.lt(RetainedScalars.Zero).any().item<bool>() || target.gt(RetainedScalars.One).any().item<bool>())
            return null;
        Tensor meanPerPixel = objective == TrainingObjective.BinaryCrossEntropy
            ? nn.functional.binary_cross_entropy_with_logits(decoded, target)
            // The clamp keeps MSE-trained outputs inside (0, 1) so their cross-entropy stays finite, as in the metrics.
            : nn.functional.binary_cross_entropy(decoded.clamp(RetainedScalars.PixelClampLow, RetainedScalars.PixelClampHigh), target);
        return meanPerPixel.item<float>() * (double)decoded.shape[^1];
    }

    private static Tensor RequireFuture(Tensor? future) =>
        future ?? throw new ArgumentException("The prediction decoder's loss needs the future frames.", nameof(future));
}
