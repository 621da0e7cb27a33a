namespace LstmAe.Model;

/// <summary>Which part of the encoder's final state forms the feature vector.</summary>
public enum EncoderFeatures
{
    /// <summary>Final hidden state h of the top layer (size: hidden). The default of <c>Encode</c> and of ONNX export;
    /// <c>LstmAutoEncode</c>'s is <see cref="LastLayerHiddenAndCell"/>.</summary>
    LastLayerHidden,
    /// <summary>Final h and c of the top layer, concatenated (size: 2 x hidden).</summary>
    LastLayerHiddenAndCell,
    /// <summary>Final h of every layer, bottom to top (size: layers x hidden).</summary>
    AllLayersHidden,
    /// <summary>Final h of every layer then c of every layer (size: 2 x layers x hidden).</summary>
    AllLayersHiddenAndCell,
    /// <summary>
    /// The top layer's h averaged over the input frames (size: hidden): a summary of every step, not only the state
    /// after the last one. Appended last, so the stored values of the others are unchanged.
    /// </summary>
    LastLayerHiddenMeanOverTime,
}
