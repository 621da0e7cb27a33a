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

/// <summary>What a decoder receives as input at each step after the first (which is always a zero frame).</summary>
public enum DecoderConditioning
{
    /// <summary>Its own previous output: sigmoid(logits) under <see cref="TrainingObjective.BinaryCrossEntropy"/>, raw under MSE.</summary>
    Conditional,
    /// <summary>A zero frame at every step.</summary>
    Unconditioned,
    /// <summary>The ground-truth previous frame while training, its own previous output at inference.</summary>
    TeacherForced,
}

/// <summary>The training loss on the decoders' outputs.</summary>
public enum TrainingObjective
{
    /// <summary>Logistic outputs with cross-entropy, as in the paper (reported in nats per frame).</summary>
    BinaryCrossEntropy,
    /// <summary>Linear outputs with mean squared error, as in the PyTorch tutorial.</summary>
    MeanSquaredError,
}

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
