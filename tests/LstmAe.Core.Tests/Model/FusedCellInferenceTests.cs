using LstmAe.Model;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// The fused inference step is the LSTM cell computed in float64 from the same inputs, up to float32 rounding and its
/// exp (a few units of 2⁻²⁴ of values bounded by the cell state), for every layout it is given: per-step input gates
/// or one shared row, a cell state that is a view into a stacked state, hidden sizes off the vector width.
/// </summary>
[TestClass]
public sealed class FusedCellInferenceTests
{
    [TestMethod]
    [DataRow(3, 16, false)]
    [DataRow(5, 13, false)] // a hidden size that leaves a scalar tail
    [DataRow(4, 8, true)] // one row of input gates for every sequence and step (an all-zero input's biases)
    public void MatchesTheCellInFloat64(int batch, int hidden, bool sharedInputGates)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        const int Steps = 3, Step = 2;
        Tensor inputGates = sharedInputGates ? randn(4 * hidden) * 2 : randn(batch, Steps, 4 * hidden) * 2;
        Tensor product = (randn(batch, 4 * hidden) * 2).to(ScalarType.BFloat16);
        // The second layer of a stacked state: a contiguous view that starts after the first.
        Tensor stacked = randn(2, batch, hidden);
        Tensor cell = stacked[1];

        Assert.IsTrue(FusedCellInference.Applies(inputGates, cell));
        (Tensor h, Tensor c) = FusedCellInference.Step(inputGates, Step, product, cell);

        Tensor stepGates = (sharedInputGates ? inputGates.expand(batch, -1) : inputGates[.., Step]).to(ScalarType.Float64);
        Tensor[] gates = (stepGates + product.to(ScalarType.Float64)).chunk(4, 1);
        Tensor expectedCell = gates[1].sigmoid() * cell.to(ScalarType.Float64) + gates[0].sigmoid() * gates[2].tanh();
        Tensor expectedHidden = gates[3].sigmoid() * expectedCell.tanh();
        // Each value is a few float32 roundings (and exp's error, under 2 units) of terms bounded by |c| + 1.
        double tolerance = 16 * Math.Pow(2, -24) * (cell.abs().max().item<float>() + 1);
        Assert.IsLessThan(tolerance, (c.to(ScalarType.Float64) - expectedCell).abs().max().item<double>(), "cell");
        Assert.IsLessThan(tolerance, (h.to(ScalarType.Float64) - expectedHidden).abs().max().item<double>(), "hidden");
    }

    [TestMethod]
    [DataRow(16)] // every value in vector lanes
    [DataRow(3)] // every value in the scalar tail
    public void SaturatedGatesReachTheirLimitsWithoutOverflow(int hidden)
    {
        using var scope = NewDisposeScope();
        // Pre-activations where exp(-x) overflows or underflows float32, infinities included; the product adds zero.
        float[] extremes = [float.NegativeInfinity, -1e30f, -1e4f, -100f, -89f, 89f, 100f, 1e4f, 1e30f, float.PositiveInfinity];
        int batch = extremes.Length;
        Tensor inputGates = tensor(Enumerable.Range(0, batch * 4 * hidden).Select(i => extremes[(i / 4 + i) % batch]).ToArray())
            .reshape(batch, 1, 4 * hidden);
        Tensor product = zeros([batch, 4 * hidden], ScalarType.BFloat16);
        Tensor cell = tensor(Enumerable.Range(0, batch * hidden).Select(i => (float)(i % 7 - 3)).ToArray()).reshape(batch, hidden);

        (Tensor h, Tensor c) = FusedCellInference.Step(inputGates, 0, product, cell);

        Tensor[] gates = inputGates[.., 0].to(ScalarType.Float64).chunk(4, 1);
        Tensor expectedCell = gates[1].sigmoid() * cell.to(ScalarType.Float64) + gates[0].sigmoid() * gates[2].tanh();
        Tensor expectedHidden = gates[3].sigmoid() * expectedCell.tanh();
        Assert.IsTrue(c.isfinite().all().item<bool>() && h.isfinite().all().item<bool>(), "a saturated gate gave an infinity or NaN");
        // Saturated gates are exactly 0 or 1 in float32 (|x| >= 89 is past 2⁻¹²⁸); what is left is one float32 rounding.
        double tolerance = 4 * Math.Pow(2, -24) * (cell.abs().max().item<float>() + 1);
        Assert.IsLessThan(tolerance, (c.to(ScalarType.Float64) - expectedCell).abs().max().item<double>(), "cell");
        Assert.IsLessThan(tolerance, (h.to(ScalarType.Float64) - expectedHidden).abs().max().item<double>(), "hidden");
    }

    [TestMethod]
    public void OnlyContiguousFloat32OperandsQualifyAndTheProductMustBeBFloat16()
    {
        using var scope = NewDisposeScope();
        Tensor gates = zeros(2, 3, 32), cell = zeros(2, 8), product = zeros(2, 32).to(ScalarType.BFloat16);

        Assert.IsFalse(FusedCellInference.Applies(gates, zeros(8, 2).t()), "a transposed cell");
        Assert.IsFalse(FusedCellInference.Applies(gates, zeros([2, 8], ScalarType.Float64)), "a float64 cell");
        Assert.IsFalse(FusedCellInference.Applies(zeros(3, 2, 32).transpose(0, 1), cell), "transposed input gates");
        Assert.ThrowsExactly<ArgumentException>(() => FusedCellInference.Step(gates, 0, zeros(2, 32), cell), "a float32 product");
        Assert.ThrowsExactly<ArgumentException>(() => FusedCellInference.Step(gates, 0, zeros(32, 2).to(ScalarType.BFloat16).t(), cell), "a transposed product");
        Assert.ThrowsExactly<ArgumentException>(() => FusedCellInference.Step(gates, 3, product, cell), "a step past the input gates");
        Assert.ThrowsExactly<ArgumentException>(() => FusedCellInference.Step(zeros(2, 3, 16), 0, product, cell), "input gates of another width");
    }
}
