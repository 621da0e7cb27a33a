namespace LstmAe.MLNet.Schema;

/// <summary>What an output column of the transformer holds.</summary>
internal enum OutputKind
{
    /// <summary>Encoder features, vector [feature size].</summary>
    Features,
    /// <summary>Reconstructed input frames, vector [InputFrames, H, W], natural time order.</summary>
    Reconstruction,
    /// <summary>Predicted future frames, vector [FutureFrames, H, W].</summary>
    Prediction,
    /// <summary>Mean squared reconstruction error per pixel, a scalar anomaly score.</summary>
    ReconstructionError,
}
