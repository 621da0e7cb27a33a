namespace LstmAe.Model;

/// <summary>
/// Where one <see cref="LstmAutoEncoder.Infer(ReadOnlySpan{float}, int, InferenceOutputs)"/> call writes each output, for <c>count</c> sequences. An empty span
/// (the default) skips that output, so one forward pass fills every output a caller needs.
/// </summary>
public readonly ref struct InferenceOutputs
{
    /// <summary>count x <see cref="LstmAutoEncoderModelOptions.FeatureSize"/>(<see cref="FeatureSet"/>) floats of
    /// encoder features.</summary>
    public Span<float> Features { get; init; }

    /// <summary>Which encoder state <see cref="Features"/> holds.</summary>
    public EncoderFeatures FeatureSet { get; init; }

    /// <summary>[count, input frames, frame size] floats: the rebuilt input frames in natural time order, as pixel
    /// values. Needs the reconstruction decoder.</summary>
    public Span<float> Reconstruction { get; init; }

    /// <summary>[count, future frames, frame size] floats: the generated future frames, as pixel values. Needs the
    /// prediction decoder.</summary>
    public Span<float> Prediction { get; init; }

    /// <summary>count floats: mean squared error per pixel between the input frames and their reconstruction.
    /// Needs the reconstruction decoder.</summary>
    public Span<float> ReconstructionError { get; init; }
}
