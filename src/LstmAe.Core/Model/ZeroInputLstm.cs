using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Runs a stacked, batch-first <see cref="LSTM"/> whose first layer's input is zero at every step, as in an
/// unconditioned decoder, without multiplying those zeros. <c>lstm.call</c> on a zero tensor computes the same result
/// but spends a [frame size x 4 hidden] matrix product per step on it, forward and backward, which is most of an
/// unconditioned decoder's work. The arithmetic is PyTorch's LSTM (gate order i, f, g, o; dropout between layers
/// while training) on the module's own parameters, so state_dicts and results are unchanged.
/// </summary>
internal static class ZeroInputLstm
{
    private const int GateCount = 4;

    /// <summary>The top layer's hidden states, [batch, <paramref name="steps"/>, hidden].</summary>
    /// <param name="lstm">The module whose parameters (<c>weight_hh_l0</c>, ...) are used.</param>
    /// <param name="layers">Stacked layers in <paramref name="lstm"/>.</param>
    /// <param name="steps">Time steps to run.</param>
    /// <param name="initialState">Initial (h, c), each [layers, batch, hidden].</param>
    /// <param name="dropout">Dropout on every layer's output but the top one's, applied only while training.</param>
    /// <param name="training">True while training.</param>
    public static Tensor Run(LSTM lstm, int layers, int steps, LstmState initialState, double dropout, bool training)
    {
        Tensor? layerInput = null;
        for (int layer = 0; layer < layers; layer++)
        {
            Tensor recurrentWeight = Parameter(lstm, "weight_hh_l", layer);
            Tensor bias = Parameter(lstm, "bias_ih_l", layer) + Parameter(lstm, "bias_hh_l", layer);
            // The first layer's input gates are the biases alone; a higher layer's come from the layer below,
            // for all steps in one product (the input of every step is known before this layer runs).
            Tensor inputGates = layerInput is null
                ? bias
                : nn.functional.linear(layerInput, Parameter(lstm, "weight_ih_l", layer), bias);

            Tensor hidden = initialState.Hidden[layer];
            Tensor cell = initialState.Cell[layer];
            var outputs = new Tensor[steps];
            for (int t = 0; t < steps; t++)
            {
                Tensor stepInputGates = layerInput is null ? inputGates : inputGates[.., t];
                Tensor[] gates = stepInputGates.addmm(hidden, recurrentWeight.t()).chunk(GateCount, dim: 1);
                Tensor inputGate = gates[0].sigmoid(), forgetGate = gates[1].sigmoid();
                Tensor candidate = gates[2].tanh(), outputGate = gates[3].sigmoid();
                cell = forgetGate * cell + inputGate * candidate;
                hidden = outputGate * cell.tanh();
                outputs[t] = hidden;
            }

            layerInput = stack(outputs, dim: 1);
            if (training && dropout > 0 && layer < layers - 1)
                layerInput = nn.functional.dropout(layerInput, dropout, training: true);
        }
        return layerInput!;
    }

    private static TorchSharp.Modules.Parameter Parameter(LSTM lstm, string prefix, int layer) =>
        lstm.get_parameter(prefix + layer)
        ?? throw new InvalidOperationException($"The LSTM has no parameter '{prefix}{layer}'.");
}
