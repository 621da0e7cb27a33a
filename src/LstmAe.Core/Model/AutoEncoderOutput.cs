namespace LstmAe.Model;

/// <summary>What one forward pass of <see cref="CompositeLstmAutoEncoderModule"/> produces.</summary>
/// <param name="EncoderState">The encoder's final (h, c).</param>
/// <param name="ReversedReconstruction">
/// The reconstruction decoder's frames in decoder order (v_n first, v_1 last), [batch, input frames, frame size];
/// logits under cross-entropy. Null when the model has no reconstruction decoder.
/// </param>
/// <param name="Prediction">
/// The prediction decoder's frames, [batch, future frames, frame size]; logits under cross-entropy. Null when the
/// model has no prediction decoder.
/// </param>
public sealed record AutoEncoderOutput(LstmState EncoderState, TorchSharp.torch.Tensor? ReversedReconstruction,
    TorchSharp.torch.Tensor? Prediction);
