namespace LstmAe.Training;

/// <summary>Cosine decay from the base rate to <paramref name="MinimumFactor"/> of it over <paramref name="TotalSteps"/>.</summary>
/// <param name="TotalSteps">Steps over which the rate decays; it stays at the minimum afterwards.</param>
/// <param name="MinimumFactor">Final fraction of the base rate, in [0, 1].</param>
public sealed record CosineSchedule(long TotalSteps, double MinimumFactor = 0) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double Factor(long stepNumber)
    {
        double progress = Math.Min(1.0, (double)stepNumber / TotalSteps);
        return MinimumFactor + ((1 - MinimumFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        if (TotalSteps <= 0) throw new ArgumentException($"{nameof(TotalSteps)} must be positive; got {TotalSteps}.");
        if (!(MinimumFactor is >= 0 and <= 1))
            throw new ArgumentException($"{nameof(MinimumFactor)} must be in [0, 1]; got {MinimumFactor}.");
    }
}
