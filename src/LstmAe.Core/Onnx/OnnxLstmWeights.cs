namespace LstmAe.Onnx;

/// <summary>
/// Converts one PyTorch LSTM layer's parameters to the inputs of the ONNX <c>LSTM</c> operator. PyTorch stacks the
/// gates' rows in the order input, forget, cell (g), output; ONNX in the order input, output, forget, cell. ONNX takes
/// the input and recurrent biases as one [1, 8 x hidden] tensor, <c>[Wb | Rb]</c>, and adds them as PyTorch does.
/// </summary>
internal static class OnnxLstmWeights
{
    /// <summary>For each ONNX gate block (i, o, f, c), the PyTorch block (i, f, g, o) it comes from.</summary>
    private static readonly int[] PyTorchBlockOfOnnxBlock = [0, 3, 1, 2];

    /// <summary>Rows of <paramref name="pytorch"/> ([4 x hidden, columns], row-major) in ONNX gate order.</summary>
    public static float[] ReorderGates(ReadOnlySpan<float> pytorch, int hidden, int columns)
    {
        int block = checked(hidden * columns);
        if (pytorch.Length != 4L * block)
            throw new InvalidOperationException($"Expected 4 x {hidden} x {columns} LSTM weights; got {pytorch.Length}.");
        var onnx = new float[pytorch.Length];
        for (int target = 0; target < 4; target++)
            pytorch.Slice(PyTorchBlockOfOnnxBlock[target] * block, block).CopyTo(onnx.AsSpan(target * block));
        return onnx;
    }

    /// <summary>ONNX's bias input <c>[Wb | Rb]</c>, each in ONNX gate order, from PyTorch's <c>bias_ih</c> and
    /// <c>bias_hh</c>.</summary>
    public static float[] Bias(ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, int hidden)
    {
        var bias = new float[8 * hidden];
        ReorderGates(biasIh, hidden, 1).CopyTo(bias, 0);
        ReorderGates(biasHh, hidden, 1).CopyTo(bias, 4 * hidden);
        return bias;
    }

    /// <summary><paramref name="matrix"/> ([rows, columns], row-major) transposed.</summary>
    public static float[] Transpose(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        var transposed = new float[matrix.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
                transposed[(long)c * rows + r] = matrix[r * columns + c];
        }

        return transposed;
    }
}
