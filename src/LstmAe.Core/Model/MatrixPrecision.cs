using System.Diagnostics.CodeAnalysis;

namespace LstmAe.Model;

/// <summary>
/// The number format of the model's matrix products. Weights, optimizer state, gate nonlinearities, cell state and
/// losses stay <c>float32</c> either way (master weights in float32, as in mixed-precision training), except in the
/// LSTMs that <see cref="CudaLstmSettings.CudnnForBFloat16"/> runs through cuDNN, which keep the cell state in
/// bfloat16.
/// </summary>
public enum MatrixPrecision
{
    /// <summary><c>float32</c> products: PyTorch's <c>nn.LSTM</c> and <c>nn.Linear</c> results, up to the order of
    /// float32 rounding (an unconditioned decoder runs its steps one by one).</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after torch.float32, the format it selects.")]
    Float32,

    /// <summary>
    /// Operands cast to <c>bfloat16</c>; each product is accumulated in float32, rounded to bfloat16 by the kernel and
    /// cast back to <c>float32</c> before biases and gates. Faster training on CPUs with native bf16 (AVX512-BF16,
    /// AMX), slower elsewhere, where the products are emulated (docs/performance.md); results differ from
    /// <see cref="Float32"/> by bf16 rounding (about 2 to 3 significant digits).
    /// </summary>
    BFloat16,
}
