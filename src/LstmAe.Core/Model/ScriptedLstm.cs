using System.Collections.Concurrent;
using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Runs a stacked, batch-first <see cref="LSTM"/> through libtorch's fused <c>torch.lstm</c> (cuDNN on CUDA) with its
/// weights, input and initial state cast to another floating type, as PyTorch's autocast does for an LSTM: the way
/// to cuDNN's bfloat16 kernels, since TorchSharp 0.107 has neither autocast nor a functional LSTM. The call goes
/// through a TorchScript function compiled once per shape, type and mode; gradients reach the module's float32
/// parameters through the casts. Outputs come back in the input's type.
/// </summary>
internal static class ScriptedLstm
{
    /// <summary>A layer's parameters in the order <c>torch.lstm</c> takes them (with biases).</summary>
    private static readonly string[] LayerParameters = ["weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"];

    private static readonly ConcurrentDictionary<(int Layers, double Dropout, bool Training, ScalarType Type), jit.CompilationUnit> Units = new();

    /// <summary>Runs <paramref name="lstm"/> over <paramref name="input"/> [batch, steps, input size] from
    /// <paramref name="state"/> with every operand in <paramref name="computeType"/>. Without gradients recording, the
    /// weights' casts come from <paramref name="weightCasts"/> where given (the script's own cast then has nothing to
    /// do).</summary>
    /// <returns>The top layer's hidden states [batch, steps, hidden] and the final state, in the input's type.</returns>
    public static (Tensor Output, LstmState State) Run(
        LSTM lstm, StackedLstmShape shape, Tensor input, LstmState state, ScalarType computeType, bool training,
        WeightOperandCache? weightCasts = null)
    {
        jit.CompilationUnit unit = Units.GetOrAdd((shape.Layers, training ? shape.Dropout : 0, training, computeType), Compile);
        WeightOperandCache? casts = weightCasts?.OperandType == computeType ? weightCasts : null;
        Tensor[] weights = Enumerable.Range(0, shape.Layers)
            .SelectMany(layer => LayerParameters.Select(prefix =>
            {
                Tensor parameter = StackedLstmShape.Parameter(lstm, prefix, layer);
                return casts?.Operand(prefix + layer, parameter) ?? parameter;
            }))
            .ToArray();
        var (output, hidden, cell) = ((Tensor, Tensor, Tensor))unit.invoke("run", input, state.Hidden, state.Cell, weights);
        // The call holds only the handles: the tensor objects must outlive it.
        GC.KeepAlive(input);
        GC.KeepAlive(state.Hidden);
        GC.KeepAlive(state.Cell);
        GC.KeepAlive(weights);
        return (output, new LstmState(hidden, cell));
    }

    /// <summary>The function for one key. Numbers are written into the script, so the call passes only tensors:
    /// TorchSharp would make temporary scalars of numbers, which a collection on another thread can free mid-call.</summary>
    private static jit.CompilationUnit Compile((int Layers, double Dropout, bool Training, ScalarType Type) key)
    {
        // TorchScript compiled without Python knows no torch.float32 and the like: dtypes are ScalarType codes.
        int type = (int)key.Type;
        string script = string.Create(CultureInfo.InvariantCulture, $"""
            def run(input: Tensor, h0: Tensor, c0: Tensor, weights: List[Tensor]):
                cast = [w.to({type}) for w in weights]
                output, h, c = torch.lstm(input.to({type}), [h0.to({type}), c0.to({type})], cast, True, {key.Layers}, {key.Dropout:0.0################}, {(key.Training ? "True" : "False")}, False, True)
                return output.to(input.dtype), h.to(h0.dtype), c.to(c0.dtype)
            """);
        // TorchScript's parser fails an internal assertion on a function that does not end with a newline.
        return jit.compile(script + "\n");
    }
}
