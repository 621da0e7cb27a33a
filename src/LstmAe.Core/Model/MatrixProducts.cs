using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// The model's matrix products in a <see cref="MatrixPrecision"/>. TorchSharp has no autocast, so the casts are
/// explicit: under <see cref="MatrixPrecision.BFloat16"/> the operands are cast to bfloat16, the product (a bfloat16
/// tensor) is cast back to float32, and biases, gates and the cell state stay float32 (unlike PyTorch's autocast,
/// which would keep the bfloat16 result). Gradients reach the float32 tensors through the casts.
/// </summary>
/// <param name="Precision">The operand format.</param>
/// <param name="Weights">Where <see cref="Weight"/> keeps casts between inference calls; null to cast at every call.</param>
internal readonly record struct MatrixProducts(MatrixPrecision Precision, WeightOperandCache? Weights = null)
{
    private bool Reduced => Precision == MatrixPrecision.BFloat16;

    /// <summary>Products in <paramref name="precision"/> with a cast cache for their weights where they need one.</summary>
    public static MatrixProducts WithWeightCache(MatrixPrecision precision) =>
        new(precision, precision == MatrixPrecision.BFloat16 ? new WeightOperandCache(ScalarType.BFloat16) : null);

    /// <summary>
    /// <paramref name="tensor"/> as a product operand. Casting a weight once and reusing it across steps saves a
    /// cast per step; casting an operand that is already in the product's format costs nothing.
    /// </summary>
    public Tensor Operand(Tensor tensor) => Reduced ? tensor.to(ScalarType.BFloat16) : tensor;

    /// <summary>
    /// The module weight <paramref name="weight"/> (parameter <paramref name="slot"/>) as a product operand: without
    /// gradients recording, the cast kept in <see cref="Weights"/> while the weight is unchanged; with them, a cast in
    /// the graph (cast it once per forward pass and reuse it across steps).
    /// </summary>
    public Tensor Weight(string slot, Tensor weight) =>
        Reduced && Weights is not null ? Weights.Operand(slot, weight) : Operand(weight);

    /// <summary><c>input @ weight^T + bias</c>, as <c>nn.functional.linear</c>.</summary>
    public Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (!Reduced) return nn.functional.linear(input, weight, bias);
        Tensor product = nn.functional.linear(Operand(input), Operand(weight));
        return bias is null ? product.to(ScalarType.Float32) : RetainedScalars.Sum(bias, product);
    }

    /// <summary><c>left @ right</c> in the operand format, left there (bfloat16 under
    /// <see cref="MatrixPrecision.BFloat16"/>).</summary>
    public Tensor Product(Tensor left, Tensor right) => Operand(left).mm(Operand(right));

    /// <summary><c>accumulator + left @ right</c>, as <c>addmm</c>. A bfloat16 product is added to the float32
    /// accumulator by type promotion: the same sum as casting it first, in one call instead of two.</summary>
    public Tensor AddProduct(Tensor accumulator, Tensor left, Tensor right) =>
        Reduced
            ? RetainedScalars.Sum(accumulator, Operand(left).mm(Operand(right)))
            : accumulator.addmm(left, right);
}
