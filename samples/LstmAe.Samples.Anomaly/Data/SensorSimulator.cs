namespace LstmAe.Samples.Anomaly.Data;

/// <summary>
/// Simulates a small plant whose sensors oscillate, each at its own level, amplitude and period, all nudged by a
/// shared slow load cycle, plus measurement noise; then injects faults into some windows. Readings are in the
/// sensors' full-scale range [0, 1]. Deterministic for a seed.
/// </summary>
public sealed class SensorSimulator
{
    // Ranges of each channel's fixed character, in reading units (readings stay roughly in [0, 1]).
    private const double MinLevel = 0.3, MaxLevel = 0.65;
    private const double MinAmplitude = 0.1, MaxAmplitude = 0.2;
    private const double MinPeriod = 5, MaxPeriod = 14;
    private const double LoadPeriod = 40, LoadAmplitude = 0.08;

    // Fault sizes: large enough to matter, small enough that a fault is not trivially out of range.
    private const double MinSpike = 0.35, MaxSpike = 0.55;
    private const double MinShift = 0.2, MaxShift = 0.3;

    private readonly SensorSimulatorOptions _options;
    private readonly double[] _level, _amplitude, _period;

    /// <summary>Fixes the plant's channels from <see cref="SensorSimulatorOptions.PlantSeed"/>.</summary>
    /// <param name="options">The plant's shape.</param>
    public SensorSimulator(SensorSimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        var plant = new Random(options.PlantSeed);
        _level = Draw(plant, MinLevel, MaxLevel);
        _amplitude = Draw(plant, MinAmplitude, MaxAmplitude);
        _period = Draw(plant, MinPeriod, MaxPeriod);
    }

    /// <summary>The plant's shape.</summary>
    public SensorSimulatorOptions Options => _options;

    /// <summary>Floats in one window (steps x channels).</summary>
    public int WindowLength => _options.Steps * _options.Channels;

    /// <summary>
    /// Windows starting at random times; a fraction of them (rounded) get one fault each, the kinds taking turns.
    /// </summary>
    /// <param name="count">How many windows.</param>
    /// <param name="anomalyFraction">The share of windows with a fault, in [0, 1].</param>
    /// <param name="seed">Seed of the window start times, noise and faults.</param>
    /// <returns>The windows, faulty ones scattered among the normal ones.</returns>
    public SensorWindow[] Generate(int count, double anomalyFraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(anomalyFraction is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(anomalyFraction), anomalyFraction, "The anomaly fraction must be in [0, 1].");
        }
        var random = new Random(seed);
        int faulty = (int)Math.Round(count * anomalyFraction);
        var kinds = Enumerable.Range(0, count)
            .Select(i => i < faulty ? (AnomalyKind)(1 + i % 3) : AnomalyKind.None)
            .OrderBy(_ => random.Next())
            .ToArray();
        return kinds.Select(kind => CreateWindow(kind, random)).ToArray();
    }

    private SensorWindow CreateWindow(AnomalyKind kind, Random random)
    {
        var readings = new float[WindowLength];
        double start = random.NextDouble() * 1000;
        for (int step = 0; step < _options.Steps; step++)
        {
            double t = start + step;
            double load = LoadAmplitude * Math.Sin(2 * Math.PI * t / LoadPeriod);
            for (int channel = 0; channel < _options.Channels; channel++)
            {
                double oscillation = _amplitude[channel] * Math.Sin(2 * Math.PI * t / _period[channel]);
                readings[Index(step, channel)] = (float)(_level[channel] + oscillation + load + _options.NoiseLevel * Gaussian(random));
            }
        }
        InjectFault(readings, kind, random);
        // A sensor reports within its full-scale range [0, 1]: a large fault saturates rather than leaving it.
        foreach (ref float reading in readings.AsSpan())
        {
            reading = Math.Clamp(reading, 0f, 1f);
        }
        return new SensorWindow { Readings = readings, Label = kind != AnomalyKind.None, Kind = kind.ToString() };
    }

    private void InjectFault(float[] readings, AnomalyKind kind, Random random)
    {
        int channel = random.Next(_options.Channels);
        int steps = _options.Steps;
        // Faults start in the middle half of the window, so there is normal signal on both sides or before them.
        int onset = steps / 4 + random.Next(steps / 2);
        double sign = random.Next(2) == 0 ? -1 : 1;
        switch (kind)
        {
            case AnomalyKind.None:
                break;
            case AnomalyKind.Spike:
                readings[Index(onset, channel)] += (float)(sign * Uniform(random, MinSpike, MaxSpike));
                break;
            case AnomalyKind.LevelShift:
                float shift = (float)(sign * Uniform(random, MinShift, MaxShift));
                for (int step = onset; step < steps; step++)
                {
                    readings[Index(step, channel)] += shift;
                }
                break;
            case AnomalyKind.FrozenSensor:
                float stuck = readings[Index(onset, channel)];
                for (int step = onset + 1; step < steps; step++)
                {
                    readings[Index(step, channel)] = stuck;
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown anomaly kind.");
        }
    }

    private int Index(int step, int channel) => step * _options.Channels + channel;

    private double[] Draw(Random random, double min, double max) =>
        Enumerable.Range(0, _options.Channels).Select(_ => Uniform(random, min, max)).ToArray();

    private static double Uniform(Random random, double min, double max) => min + (max - min) * random.NextDouble();

    /// <summary>A standard normal draw (Box-Muller).</summary>
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
