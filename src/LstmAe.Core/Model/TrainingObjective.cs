namespace LstmAe.Model;

/// <summary>The training loss on the decoders' outputs.</summary>
public enum TrainingObjective
{
    /// <summary>Logistic outputs with cross-entropy, as in the paper (reported in nats per frame).</summary>
    BinaryCrossEntropy,
    /// <summary>Linear outputs with mean squared error, as in the PyTorch tutorial.</summary>
    MeanSquaredError,
}
