namespace LstmAe.Model;

/// <summary>
/// Process-wide choices for LSTMs on a CUDA device, in the way of PyTorch's <c>torch.backends.cudnn</c> flags. They
/// change which kernels run, not the model: results agree to float rounding either way.
/// </summary>
public static class CudaLstmSettings
{
    private static volatile bool s_cudnnForFeedbackDecoders;
    private static volatile bool s_cudnnForBFloat16;

    /// <summary>
    /// Run the LSTMs of a <see cref="MatrixPrecision.BFloat16"/> model whose inputs are known before they run (the
    /// encoder, unconditioned and teacher-forced decoders) through cuDNN in bfloat16, weights and state cast as
    /// PyTorch's autocast casts them (<see cref="ScriptedLstm"/>), instead of LstmAe's runner with bfloat16 products
    /// and float32 gates. Less precise (the cell state is kept in bfloat16); needs a GPU with bfloat16 support
    /// (compute capability 8.0 or later). Each call casts the weights and cuDNN copies them into its own layout
    /// (libtorch logs a warning about the weights' layout at each call), so decoders fed their own output, one call
    /// per step, stay on the runner. Off by default (docs/performance.md, "On a GPU"); the benchmark's CUDA table
    /// times both.
    /// </summary>
    public static bool CudnnForBFloat16
    {
        get => s_cudnnForBFloat16;
        set => s_cudnnForBFloat16 = value;
    }

    /// <summary>
    /// Run a decoder fed its own output (conditional, as in the Paper preset) through cuDNN, one call per step as
    /// PyTorch's <c>nn.LSTM</c> would in such a loop, instead of LstmAe's step-by-step runner (a matrix product and a
    /// few pointwise calls per layer and step). Off by default (docs/performance.md, "On a GPU"); the benchmark's CUDA
    /// table times both. Float32 products only; read at each forward pass.
    /// </summary>
    public static bool CudnnForFeedbackDecoders
    {
        get => s_cudnnForFeedbackDecoders;
        set => s_cudnnForFeedbackDecoders = value;
    }
}
