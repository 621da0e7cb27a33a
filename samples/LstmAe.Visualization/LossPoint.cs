namespace LstmAe.Visualization;

/// <summary>One point of a loss curve.</summary>
/// <param name="Step">The optimiser step (x axis).</param>
/// <param name="Loss">The loss at that step (y axis).</param>
public readonly record struct LossPoint(double Step, double Loss);
