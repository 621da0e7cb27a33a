namespace LstmAe.Training;

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
