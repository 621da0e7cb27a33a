namespace LstmAe.Samples.Anomaly.Data;

/// <summary>The shape of the simulated plant: how many sensors, how long a window, how noisy.</summary>
public sealed record SensorSimulatorOptions
{
    /// <summary>Sensors read at every step (the frame width).</summary>
    public int Channels { get; init; } = 8;

    /// <summary>Time steps per window (the autoencoder's input frames).</summary>
    public int Steps { get; init; } = 16;

    /// <summary>Standard deviation of the measurement noise added to every reading.</summary>
    public double NoiseLevel { get; init; } = 0.02;

    /// <summary>Seed of the plant's fixed characteristics (each channel's level, amplitude and period).</summary>
    public int PlantSeed { get; init; } = 7;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for sizes the simulator cannot produce.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Channels, nameof(Channels));
        ArgumentOutOfRangeException.ThrowIfLessThan(Steps, 4, nameof(Steps));
        ArgumentOutOfRangeException.ThrowIfNegative(NoiseLevel, nameof(NoiseLevel));
    }
}
