namespace LstmAe.Model;

/// <summary>Which decoders the composite model has (paper, section 2.4).</summary>
public enum AutoEncoderMode
{
    /// <summary>Reconstruction and prediction decoders on one encoder (the paper's composite model).</summary>
    Composite,
    /// <summary>Only the decoder that rebuilds the input frames in reverse order.</summary>
    ReconstructionOnly,
    /// <summary>Only the decoder that generates the future frames.</summary>
    PredictionOnly,
}
