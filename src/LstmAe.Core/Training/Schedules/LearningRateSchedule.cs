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
