namespace LstmAe.Interop;

/// <summary>What <see cref="MklReproducibility.Enable"/> achieved.</summary>
public enum MklReproducibilityStatus
{
    /// <summary>MKL runs in its reproducible mode from now on.</summary>
    Enabled,

    /// <summary>The environment sets <c>MKL_CBWR</c>; MKL follows it.</summary>
    SetByEnvironment,

    /// <summary>MKL had already run a product in this process and refused the change; outputs may differ in the last
    /// bit between instances of one model. Set <c>MKL_CBWR=AUTO</c> or call <see cref="MklReproducibility.Enable"/>
    /// before any libtorch product.</summary>
    TooLate,

    /// <summary>This libtorch has no MKL (or does not export its setting).</summary>
    Unavailable,
}
