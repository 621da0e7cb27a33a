using Microsoft.ML.Runtime;

namespace LstmAe.MLNet;

/// <summary>
/// How <c>mlContext.Model.Load</c> builds the <see cref="LstmAutoEncoderTransformer"/>s it reads: given per
/// <see cref="Microsoft.ML.MLContext"/> by
/// <see cref="Microsoft.ML.LstmAutoEncoderCatalog.RegisterLstmAutoEncoder(ComponentCatalog, LstmAutoEncoderLoadOptions)"/>.
/// </summary>
public sealed class LstmAutoEncoderLoadOptions
{
    /// <summary>
    /// Where loaded models run: "cpu" (the default), "cuda" (the first GPU) or "cuda:N" (GPU N). Where CUDA is not
    /// available, a CUDA device falls back to the CPU with a warning in the context's log, as training does.
    /// </summary>
    public string Device { get; set; } = "cpu";
}
