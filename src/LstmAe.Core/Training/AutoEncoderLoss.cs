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
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> holds neither a reconstruction nor a prediction,
    /// or holds a prediction while <paramref name="future"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="objective"/> is not a defined value.</exception>
    public static Tensor Objective(AutoEncoderOutput output, Tensor input, Tensor? future, TrainingObjective objective) =>
        Terms.Of(output, input, future, objective).Loss;

    /// <summary>Every term of the loss as numbers, including cross-entropy in nats per frame.</summary>
    /// <remarks>Under MSE the outputs are pixel values, so their cross-entropy is taken after clamping them into (0, 1);
    /// it is left out (null) when the targets are not pixel values in [0, 1], as with sensor data.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="output"/> holds a prediction while <paramref name="future"/>
    /// is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="objective"/> is not a defined value.</exception>
    public static LossValues Values(AutoEncoderOutput output, Tensor input, Tensor? future, TrainingObjective objective)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.ReversedReconstruction is null && output.Prediction is null) return new LossValues(0, null, null, null, null);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Terms.Of(output, input, future, objective).Values();
    }

    /// <summary>
    /// The loss terms of one output, each evaluated once: training takes <see cref="Loss"/>'s gradient and reports
    /// <see cref="Values"/> from the same tensors, instead of evaluating every term again for the report.
    /// </summary>
    internal sealed class Terms
    {
        private readonly TrainingObjective _objective;
        private readonly Term? _reconstruction, _prediction;

        private Terms(TrainingObjective objective, Term? reconstruction, Term? prediction, Tensor loss) =>
            (_objective, _reconstruction, _prediction, Loss) = (objective, reconstruction, prediction, loss);

        /// <summary>The sum of the terms, differentiable.</summary>
        public Tensor Loss { get; }

        /// <summary>The terms of <paramref name="output"/>'s loss.</summary>
        /// <exception cref="ArgumentException">The output holds no decoded frames, or a prediction lacks its future frames.</exception>
        public static Terms Of(AutoEncoderOutput output, Tensor input, Tensor? future, TrainingObjective objective)
        {
            ArgumentNullException.ThrowIfNull(output);
            if (output.ReversedReconstruction is null && output.Prediction is null)
                throw new ArgumentException("The output holds neither a reconstruction nor a prediction.", nameof(output));
            Term? reconstruction = output.ReversedReconstruction is { } r ? ReconstructionTerm(r, input, objective) : null;
            Term? prediction = output.Prediction is { } p ? PredictionTerm(p, future, objective) : null;
            return Of(reconstruction, prediction, objective);
        }

        /// <summary>The loss of terms evaluated separately; at least one must be given.</summary>
        public static Terms Of(Term? reconstruction, Term? prediction, TrainingObjective objective)
        {
            Tensor loss = (reconstruction, prediction) switch
            {
                ({ } a, { } b) => RetainedScalars.Sum(a.Loss, b.Loss),
                ({ } a, null) => a.Loss,
                (null, { } b) => b.Loss,
                _ => throw new ArgumentException("Neither a reconstruction nor a prediction term was given."),
            };
            return new Terms(objective, reconstruction, prediction, loss);
        }

        /// <summary>
        /// The terms' figures as one float32 tensor on the loss's device, without reading it back (no host
        /// synchronisation): per decoder, reconstruction then prediction, its loss, its cross-entropy per pixel
        /// (nats per frame divided by the frame size) and 1 where its targets are pixel values in [0, 1], else 0;
        /// zeros for an absent decoder. <see cref="DeviceLossSums"/> adds these up across steps.
        /// </summary>
        public Tensor DeviceStatistics()
        {
            using var noGrad = no_grad();
            Tensor Of(Term? term) => term is null ? zeros(3, device: Loss.device) : term.DeviceStatistics(_objective);
            return cat([Of(_reconstruction), Of(_prediction)]);
        }

        /// <summary>The terms as numbers.</summary>
        public LossValues Values()
        {
            double? reconstructionLoss = _reconstruction?.Loss.item<float>(), predictionLoss = _prediction?.Loss.item<float>();
            return new LossValues((reconstructionLoss ?? 0) + (predictionLoss ?? 0), reconstructionLoss, predictionLoss,
                _reconstruction?.NatsPerFrame(_objective), _prediction?.NatsPerFrame(_objective));
        }
    }

    /// <summary>The reconstruction decoder's term: its output against the input reversed (v_n..v_1).</summary>
    internal static Term ReconstructionTerm(Tensor reversedReconstruction, Tensor input, TrainingObjective objective) =>
        Term.Of(reversedReconstruction, input.flip(1), objective);

    /// <summary>The prediction decoder's term: its output against the future frames.</summary>
    internal static Term PredictionTerm(Tensor prediction, Tensor? future, TrainingObjective objective) =>
        Term.Of(prediction, RequireFuture(future), objective);

    /// <summary>One decoder's term: its mean loss over pixels, frames and sequences, and what it was taken of.</summary>
    internal sealed record Term(Tensor Decoded, Tensor Target, Tensor Loss)
    {
        public static Term Of(Tensor decoded, Tensor target, TrainingObjective objective) => new(decoded, target, objective switch
        {
            TrainingObjective.BinaryCrossEntropy => nn.functional.binary_cross_entropy_with_logits(decoded, target),
            TrainingObjective.MeanSquaredError => nn.functional.mse_loss(decoded, target),
            _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown objective."),
        });

        /// <summary>[loss, cross-entropy per pixel, 1 where the targets are pixel values else 0] on the device, as
        /// <see cref="NatsPerFrame"/> computes them but without reading them back.</summary>
        public Tensor DeviceStatistics(TrainingObjective objective)
        {
            Tensor inRange = Target.min().ge(RetainedScalars.Zero).logical_and(Target.max().le(RetainedScalars.One)).to(ScalarType.Float32);
            Tensor meanPerPixel = objective == TrainingObjective.BinaryCrossEntropy
                ? Loss.detach()
                : nn.functional.binary_cross_entropy(
                    Decoded.clamp(RetainedScalars.PixelClampLow, RetainedScalars.PixelClampHigh), Target.clamp(RetainedScalars.Zero, RetainedScalars.One));
            return stack([Loss.detach().to(ScalarType.Float32), meanPerPixel.to(ScalarType.Float32), inRange]);
        }

        /// <summary>Cross-entropy summed over a frame's pixels, averaged over frames and sequences (the paper's unit);
        /// null when it is undefined because a target lies outside [0, 1].</summary>
        public double? NatsPerFrame(TrainingObjective objective)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            if (Target.min().item<float>() < 0 || Target.max().item<float>() > 1) return null;
            // Under cross-entropy the term is that mean already; under MSE it is taken after clamping the outputs
            // inside (0, 1) so that it stays finite, as in the metrics.
            Tensor meanPerPixel = objective == TrainingObjective.BinaryCrossEntropy
                ? Loss
                : nn.functional.binary_cross_entropy(
                    Decoded.clamp(RetainedScalars.PixelClampLow, RetainedScalars.PixelClampHigh), Target);
            return meanPerPixel.item<float>() * (double)Decoded.shape[^1];
        }
    }

    private static Tensor RequireFuture(Tensor? future) =>
        future ?? throw new ArgumentException("The prediction decoder's loss needs the future frames.", nameof(future));
}
