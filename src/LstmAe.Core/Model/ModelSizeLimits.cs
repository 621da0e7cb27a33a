namespace LstmAe.Model;

/// <summary>
/// The size limits every model is checked against, by <see cref="LstmAutoEncoderModelOptions.Validate"/> when one is
/// created and before a saved one is read, so a small crafted file can never make libtorch allocate more than a model
/// this library could have written.
/// </summary>
public static class ModelSizeLimits
{
    /// <summary>
    /// At most 2^29 (536,870,912) weights, 2 GiB of float32. A saved model holds its weights in one payload of less
    /// than 2 GiB (<see cref="Array.MaxLength"/> bytes), so no larger model can be saved or loaded anyway; the paper's
    /// model has 268.5 million.
    /// </summary>
    public const long MaxParameterCount = 1L << 29;

    /// <summary>At most 64 KiB of options JSON in a saved model, far more than the options of any model take.</summary>
    public const int MaxOptionsJsonBytes = 64 * 1024;
}
