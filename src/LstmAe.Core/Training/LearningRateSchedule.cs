namespace LstmAe.Training;

/// <summary>
/// Scales the base learning rate as a pure function of the step number, so a resumed run follows exactly the
/// schedule of an uninterrupted one without saving scheduler state.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The base learning rate throughout.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>The factor applied to the base learning rate for the update made at <paramref name="stepNumber"/> (from 0).</summary>
    public abstract double Factor(long stepNumber);

    /// <summary>Throws <see cref="ArgumentException"/> when a parameter is out of range.</summary>
    public virtual void Validate() { }

    private sealed record ConstantSchedule : LearningRateSchedule
    {
        public override double Factor(long stepNumber) => 1;
    }
}

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
