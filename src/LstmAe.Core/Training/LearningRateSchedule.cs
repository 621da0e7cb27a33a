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

    /// <summary>The schedule a run of <paramref name="totalSteps"/> optimizer steps follows: this schedule, or for a
    /// schedule defined relative to the run's length (<see cref="CosineToEndSchedule"/>) one with that length fixed.</summary>
    /// <param name="totalSteps">The steps the run will take at most, at least 1.</param>
    public virtual LearningRateSchedule ForRun(long totalSteps) => this;

    /// <summary>True when <see cref="ForRun"/> needs the run's length, so the trainer must work it out first.</summary>
    public virtual bool DependsOnRunLength => false;

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

/// <summary>
/// Cosine decay from the base rate to <paramref name="MinimumFactor"/> of it by the last step of the run, however long
/// the run is: <see cref="AutoEncoderTrainer"/> works out the run's steps when it starts (<see cref="TrainingOptions.Epochs"/>
/// times the minibatches in an epoch, capped by <see cref="TrainingOptions.MaxSteps"/>; counting the minibatches reads
/// the training source's first epoch once unless <see cref="TrainingOptions.MaxSteps"/> alone ends the run) and then
/// follows <see cref="CosineSchedule"/> over them. Early stopping ends a run before the minimum is reached.
/// </summary>
/// <param name="MinimumFactor">Final fraction of the base rate, in [0, 1].</param>
public sealed record CosineToEndSchedule(double MinimumFactor = 0) : LearningRateSchedule
{
    /// <summary>Not defined before the run's length is known: use <see cref="ForRun"/>.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public override double Factor(long stepNumber) => throw new InvalidOperationException(
        $"{nameof(CosineToEndSchedule)} needs the run's length: call {nameof(ForRun)}(totalSteps) first (the trainer does).");

    /// <inheritdoc/>
    public override LearningRateSchedule ForRun(long totalSteps) => new CosineSchedule(Math.Max(1, totalSteps), MinimumFactor);

    /// <inheritdoc/>
    public override bool DependsOnRunLength => true;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (!(MinimumFactor is >= 0 and <= 1))
            throw new ArgumentException($"{nameof(MinimumFactor)} must be in [0, 1]; got {MinimumFactor}.");
    }
}
