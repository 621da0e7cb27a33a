namespace LstmAe.Training;

/// <summary>The optimizer that updates the weights.</summary>
public enum OptimizerAlgorithm
{
    /// <summary>Adam (the PyTorch tutorial's choice).</summary>
    Adam,
    /// <summary>RMSProp with <see cref="TrainingOptions.Momentum"/> (the paper's choice).</summary>
    RmsProp,
    /// <summary>Stochastic gradient descent with <see cref="TrainingOptions.Momentum"/>.</summary>
    Sgd,
}
