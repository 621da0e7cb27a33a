using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// One LSTM step's gate sum and cell update in inference on the CPU with bfloat16 products, in one managed pass per
/// row: gates = input gates + the step's bfloat16 recurrent product (widened exactly), then i, f, o = sigmoid, the
/// candidate 2 sigmoid(2x) - 1, c' = f c + i g, h = o (2 sigmoid(2c') - 1), all in float32. It replaces a mixed-type
/// sum and about ten small libtorch calls per step, each waking libtorch's threads for a few microseconds of work.
/// The sigmoid is <c>1 / (1 + exp(-x))</c> with .NET's vectorised exp: within a few float32 units of libtorch's.
/// </summary>
/// <remarks>Used by <see cref="StackedLstmRunner"/> in eval mode without gradients only; float32 products keep
/// libtorch's <c>addmm</c>, which already sums in its product (docs/performance.md).</remarks>
internal static class FusedCellInference
{
    /// <summary>
    /// True where <see cref="Step"/> can run on a layer: float32 contiguous input gates and cell state on the CPU, each
    /// small enough for one span (the input gates of every step are read in place).
    /// </summary>
    public static bool Applies(Tensor inputGates, Tensor cell) =>
        cell.device_type == TorchSharp.DeviceType.CPU
        && inputGates.dtype == ScalarType.Float32 && inputGates.is_contiguous() && FitsOneSpan(inputGates)
        && cell.dtype == ScalarType.Float32 && cell.is_contiguous() && FitsOneSpan(cell);

    /// <summary>Step <paramref name="step"/>'s new (h, c), each [batch, hidden], new tensors.</summary>
    /// <param name="inputGates">Every step's input gate pre-activations, [batch, steps, 4 hidden], or one row
    /// [4 hidden] shared by every sequence and step (an input that is always zero leaves the biases).</param>
    /// <param name="step">The step whose input gates to add.</param>
    /// <param name="recurrentProduct">The step's <c>h @ weight_hh^T</c>, [batch, 4 hidden], bfloat16, contiguous.</param>
    /// <param name="cell">The previous cell state, [batch, hidden].</param>
    /// <exception cref="ArgumentException">An operand has another type or shape than <see cref="Applies"/> and the
    /// parameters describe.</exception>
    public static (Tensor Hidden, Tensor Cell) Step(Tensor inputGates, int step, Tensor recurrentProduct, Tensor cell)
    {
        int batch = (int)cell.shape[0], hidden = (int)cell.shape[1], gateCount = 4 * hidden;
        bool shared = inputGates.dim() == 1;
        int steps = shared ? 1 : (int)inputGates.shape[1];
        if (!Applies(inputGates, cell) || recurrentProduct.dtype != ScalarType.BFloat16 || !recurrentProduct.is_contiguous()
            || recurrentProduct.shape is not [var rows, var columns] || rows != batch || columns != gateCount
            || (shared
                ? inputGates.shape[0] != gateCount
                : inputGates.dim() != 3 || inputGates.shape[0] != batch || inputGates.shape[2] != gateCount || step < 0 || step >= steps))
        {
            throw new ArgumentException("Operands outside the fused step's contract.");
        }

        Tensor nextHidden = empty_like(cell), nextCell = empty_like(cell);
        float[] gates = ArrayPool<float>.Shared.Rent(gateCount);
        try
        {
            ReadOnlySpan<float> allInputGates = MemoryMarshal.Cast<byte, float>(inputGates.bytes);
            ReadOnlySpan<ushort> products = MemoryMarshal.Cast<byte, ushort>(recurrentProduct.bytes);
            ReadOnlySpan<float> cells = MemoryMarshal.Cast<byte, float>(cell.bytes);
            Span<float> hiddenOut = MemoryMarshal.Cast<byte, float>(nextHidden.bytes);
            Span<float> cellOut = MemoryMarshal.Cast<byte, float>(nextCell.bytes);
            Span<float> rowGates = gates.AsSpan(0, gateCount);
            for (int row = 0; row < batch; row++)
            {
                SumGates(
                    shared ? allInputGates : allInputGates.Slice((row * steps + step) * gateCount, gateCount),
                    products.Slice(row * gateCount, gateCount),
                    rowGates);
                Update(rowGates, hidden, cells.Slice(row * hidden, hidden), hiddenOut.Slice(row * hidden, hidden), cellOut.Slice(row * hidden, hidden));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(gates);
        }

        // The spans above point into the tensors' native memory: keep them from being finalised while it is read.
        GC.KeepAlive(inputGates);
        GC.KeepAlive(recurrentProduct);
        GC.KeepAlive(cell);
        GC.KeepAlive(nextHidden);
        GC.KeepAlive(nextCell);
        return (nextHidden, nextCell);
    }

    private static bool FitsOneSpan(Tensor tensor) => tensor.numel() * tensor.element_size() <= int.MaxValue;

    /// <summary>gates = inputGates + product, the bfloat16 product widened to float32 exactly (its bits shifted up).</summary>
    private static void SumGates(ReadOnlySpan<float> inputGates, ReadOnlySpan<ushort> product, Span<float> gates)
    {
        int width = Vector<float>.Count, k = 0;
        for (; k <= gates.Length - 2 * width; k += 2 * width)
        {
            Vector.Widen(new Vector<ushort>(product[k..]), out Vector<uint> low, out Vector<uint> high);
            (new Vector<float>(inputGates[k..]) + Vector.AsVectorSingle(low << 16)).CopyTo(gates[k..]);
            (new Vector<float>(inputGates[(k + width)..]) + Vector.AsVectorSingle(high << 16)).CopyTo(gates[(k + width)..]);
        }
        for (; k < gates.Length; k++)
            gates[k] = inputGates[k] + BitConverter.UInt32BitsToSingle((uint)product[k] << 16);
    }

    /// <summary>The cell update of one row from its summed gates (order i, f, g, o).</summary>
    private static void Update(ReadOnlySpan<float> gates, int hidden, ReadOnlySpan<float> cell, Span<float> hiddenOut, Span<float> cellOut)
    {
        int width = Vector<float>.Count, j = 0;
        var two = new Vector<float>(2f);
        for (; j <= hidden - width; j += width)
        {
            Vector<float> input = Sigmoid(new Vector<float>(gates[j..]));
            Vector<float> forget = Sigmoid(new Vector<float>(gates[(hidden + j)..]));
            Vector<float> candidate = two * Sigmoid(two * new Vector<float>(gates[(2 * hidden + j)..])) - Vector<float>.One;
            Vector<float> output = Sigmoid(new Vector<float>(gates[(3 * hidden + j)..]));
            Vector<float> next = forget * new Vector<float>(cell[j..]) + input * candidate;
            next.CopyTo(cellOut[j..]);
            (output * (two * Sigmoid(two * next) - Vector<float>.One)).CopyTo(hiddenOut[j..]);
        }
        for (; j < hidden; j++)
        {
            float next = Sigmoid(gates[hidden + j]) * cell[j] + Sigmoid(gates[j]) * (2 * Sigmoid(2 * gates[2 * hidden + j]) - 1);
            cellOut[j] = next;
            hiddenOut[j] = Sigmoid(gates[3 * hidden + j]) * (2 * Sigmoid(2 * next) - 1);
        }
    }

    private static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Vector.Exp(-x));

    private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));
}
