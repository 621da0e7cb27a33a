using Microsoft.ML.Data;

namespace LstmAe.Samples.Anomaly.Data;

/// <summary>
/// One window of a multivariate sensor series as an ML.NET row: <see cref="Readings"/> holds the time steps in order,
/// each step the readings of every channel, which the autoencoder sees as a frame of height 1 and width = channels.
/// </summary>
public sealed class SensorWindow
{
    /// <summary>The readings, time-major: step 0's channels, then step 1's, and so on.</summary>
    public float[] Readings { get; set; } = [];

    /// <summary>True when a fault was injected.</summary>
    public bool Label { get; set; }

    /// <summary>Which fault was injected (<see cref="AnomalyKind.None"/> for a normal window), as text for reports.</summary>
    public string Kind { get; set; } = nameof(AnomalyKind.None);

    /// <summary>The schema of <see cref="Readings"/> as a fixed-size vector, for <c>LoadFromEnumerable</c>.</summary>
    /// <param name="steps">Time steps per window.</param>
    /// <param name="channels">Channels per step.</param>
    /// <returns>The schema definition.</returns>
    public static SchemaDefinition Schema(int steps, int channels)
    {
        var schema = SchemaDefinition.Create(typeof(SensorWindow));
        schema[nameof(Readings)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, steps * channels);
        return schema;
    }
}
