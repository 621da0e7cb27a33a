namespace LstmAe.Samples.Anomaly.Data;

/// <summary>The faults injected into otherwise normal sensor windows.</summary>
public enum AnomalyKind
{
    /// <summary>A normal window.</summary>
    None,

    /// <summary>One reading on one channel jumps far from its neighbours (a glitch).</summary>
    Spike,

    /// <summary>From some step on, one channel is offset by a constant (a recalibrated or drifting sensor).</summary>
    LevelShift,

    /// <summary>From some step on, one channel repeats its last reading (a stuck sensor).</summary>
    FrozenSensor,
}
