using System.Diagnostics.CodeAnalysis;

namespace LstmAe.Model;

/// <summary>
/// The number format of the operands of the model's matrix products. Weights, optimizer state, gate nonlinearities,
/// cell state and losses stay <c>float32</c> either way, as under PyTorch's autocast.
/// </summary>
public enum MatrixPrecision
{
    /// <summary>Exact <c>float32</c> products: the same results as PyTorch's <c>nn.LSTM</c> and <c>nn.Linear</c>.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after torch.float32, the format it selects.")]
    Float32,

    /// <summary>
    /// Operands cast to <c>bfloat16</c>, products accumulated and returned as <c>float32</c>. About 2x faster training
    /// on CPUs with native bf16 (AVX512-BF16, AMX), slower elsewhere; results differ from <see cref="Float32"/> by
    /// bf16 rounding (about 3 significant digits per operand).
    /// </summary>
    BFloat16,
}
