namespace LstmAe.Training;

/// <summary>Multiplies the learning rate by <paramref name="Gamma"/> every <paramref name="StepSize"/> steps.</summary>
/// <param name="StepSize">Steps between decays.</param>
/// <param name="Gamma">Factor applied at each decay, in (0, 1].</param>
public sealed record StepDecaySchedule(int StepSize, double Gamma) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double Factor(long stepNumber) => Math.Pow(Gamma, stepNumber / StepSize);

    /// <inheritdoc/>
    public override void Validate()
    {
        if (StepSize <= 0) throw new ArgumentException($"{nameof(StepSize)} must be positive; got {StepSize}.");
        if (!(Gamma > 0 && Gamma <= 1)) throw new ArgumentException($"{nameof(Gamma)} must be in (0, 1]; got {Gamma}.");
    }
}
