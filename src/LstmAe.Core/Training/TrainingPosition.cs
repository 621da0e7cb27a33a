namespace LstmAe.Training;

/// <summary>Where a run stands, beyond the weights and optimizer state.</summary>
internal sealed record TrainingPosition(
    long Step,
    int Epoch,
    long BatchesIntoEpoch,
    double? BestValidationLoss,
    int ValidationsWithoutImprovement);
