using LstmAe.Samples.Anomaly.Data;

namespace LstmAe.Samples.Anomaly;

/// <summary>The sizes of one run of the anomaly sample: <see cref="Default"/>, or <see cref="Tiny"/> for tests (run
/// times: docs/samples.md).</summary>
public sealed record AnomalySettings
{
    /// <summary>The simulated plant: channels, window length, noise.</summary>
    public SensorSimulatorOptions Plant { get; init; } = new();

    /// <summary>Normal windows to train on.</summary>
    public int TrainWindows { get; init; } = 2_000;

    /// <summary>Normal windows that set the alarm threshold.</summary>
    public int ValidationWindows { get; init; } = 400;

    /// <summary>Test windows, of which <see cref="TestAnomalyFraction"/> are faulty.</summary>
    public int TestWindows { get; init; } = 900;

    /// <summary>Share of faulty test windows.</summary>
    public double TestAnomalyFraction { get; init; } = 0.3;

    /// <summary>The alarm threshold: this quantile of the validation windows' scores (false alarms on normal data).</summary>
    public double ThresholdQuantile { get; init; } = 0.99;

    /// <summary>Units in the LSTM layer.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Passes over the training windows.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Windows per training step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>Seed of the data and the weights.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The sample's run (its duration: docs/samples.md).</summary>
    public static AnomalySettings Default { get; } = new();

    /// <summary>A quick run for tests: a handful of short windows and two epochs.</summary>
    public static AnomalySettings Tiny { get; } = new()
    {
        Plant = new SensorSimulatorOptions { Channels = 4, Steps = 8 },
        TrainWindows = 64,
        ValidationWindows = 32,
        TestWindows = 60,
        HiddenSize = 8,
        Epochs = 2,
        BatchSize = 16,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Plant.Validate();
        foreach (var (value, name) in new[]
        {
            (TrainWindows, nameof(TrainWindows)), (ValidationWindows, nameof(ValidationWindows)), (TestWindows, nameof(TestWindows)),
            (HiddenSize, nameof(HiddenSize)), (Epochs, nameof(Epochs)), (BatchSize, nameof(BatchSize)),
        })
        {
            if (value <= 0)
            {
                throw new ArgumentException($"{name} must be positive, got {value}.", name);
            }
        }
        if (TestAnomalyFraction is <= 0 or >= 1)
        {
            throw new ArgumentException($"{nameof(TestAnomalyFraction)} must be in (0, 1) so the test set has both classes, got {TestAnomalyFraction}.");
        }
        if (ThresholdQuantile is <= 0 or > 1)
        {
            throw new ArgumentException($"{nameof(ThresholdQuantile)} must be in (0, 1], got {ThresholdQuantile}.");
        }
    }
}
