namespace LstmAe.Cli.Options;

/// <summary>
/// The largest frames the command line accepts, checked while parsing, so a typing mistake such as
/// "--frame-height 100000" is a usage error. The model's own size is checked by
/// <see cref="LstmAe.Model.LstmAutoEncoderModelOptions.Validate"/> (<see cref="LstmAe.Model.ModelSizeLimits"/>) before
/// anything is allocated.
/// </summary>
internal static class SizeLimits
{
    /// <summary>The largest --frame-height and --frame-width: 4096 pixels.</summary>
    public const int MaxFrameSide = 4096;
}
