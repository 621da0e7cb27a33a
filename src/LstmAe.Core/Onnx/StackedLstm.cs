using static LstmAe.Onnx.OnnxGraphBuilder;

namespace LstmAe.Onnx;

/// <summary>
/// A stacked PyTorch LSTM in an ONNX graph: one <c>LSTM</c> node per layer, whose weights are stored once and shared
/// by every <see cref="Run"/> (an unrolled decoder runs the same layers once per step).
/// </summary>
internal sealed class StackedLstm
{
    private readonly OnnxGraphBuilder _g;
    private readonly int _hidden;
    private readonly (string W, string R, string B)[] _layers;
    private readonly string _axis1;

    /// <summary>Stores the weights of the LSTM whose parameters are named <paramref name="prefix"/><c>weight_ih_l0</c>
    /// and so on in <paramref name="weights"/>.</summary>
    /// <param name="g">The graph.</param>
    /// <param name="weights">The model's state_dict as floats.</param>
    /// <param name="prefix">The LSTM's parameter name prefix, e.g. <c>encoder.lstm.</c>.</param>
    /// <param name="hidden">Units per layer.</param>
    /// <param name="layerCount">Stacked layers.</param>
    /// <param name="zeroInput">True when the first layer's input is zero at every step: its input weights are then
    /// stored as zeros of [1, 4 x hidden, 1], for an input of width 1.</param>
    public StackedLstm(OnnxGraphBuilder g, Dictionary<string, float[]> weights, string prefix, int hidden, int layerCount, bool zeroInput)
    {
        _g = g;
        _hidden = hidden;
        _axis1 = g.Int64s("axis1", 1);
        _layers = new (string, string, string)[layerCount];
        for (int layer = 0; layer < layerCount; layer++)
        {
            string name = $"{prefix}l{layer}";
            float[] inputWeights = weights[$"{prefix}weight_ih_l{layer}"];
            int inputSize = inputWeights.Length / (4 * hidden);
            string w = layer == 0 && zeroInput
                ? g.Floats(name + "_W_zero", new float[4 * hidden], 1, 4 * hidden, 1)
                : g.Floats(name + "_W", OnnxLstmWeights.ReorderGates(inputWeights, hidden, inputSize), 1, 4 * hidden, inputSize);
            string r = g.Floats(name + "_R", OnnxLstmWeights.ReorderGates(weights[$"{prefix}weight_hh_l{layer}"], hidden, hidden), 1, 4 * hidden, hidden);
            string b = g.Floats(name + "_B", OnnxLstmWeights.Bias(weights[$"{prefix}bias_ih_l{layer}"], weights[$"{prefix}bias_hh_l{layer}"], hidden), 1, 8 * hidden);
            _layers[layer] = (w, r, b);
        }
    }

    /// <summary>Runs every layer over <paramref name="input"/> [steps, batch, input size].</summary>
    /// <param name="input">The first layer's input, time-major.</param>
    /// <param name="initialHidden">Each layer's initial h, [1, batch, hidden]; null for zeros.</param>
    /// <param name="initialCell">Each layer's initial c, [1, batch, hidden]; null for zeros.</param>
    /// <returns>The top layer's hidden states [steps, batch, hidden] and each layer's final h and c, [1, batch, hidden].</returns>
    public (string Output, string[] Hidden, string[] Cell) Run(string input, string[]? initialHidden, string[]? initialCell)
    {
        var finalHidden = new string[_layers.Length];
        var finalCell = new string[_layers.Length];
        string layerInput = input;
        for (int layer = 0; layer < _layers.Length; layer++)
        {
            var (w, r, b) = _layers[layer];
            string[] inputs = initialHidden is null
                ? [layerInput, w, r, b]
                : [layerInput, w, r, b, "", initialHidden[layer], initialCell![layer]];
            string[] outputs = _g.Node("LSTM", inputs, 3, Int("hidden_size", _hidden));
            // Y is [steps, directions = 1, batch, hidden]; the next layer reads [steps, batch, hidden].
            layerInput = _g.Single("Squeeze", [outputs[0], _axis1]);
            (finalHidden[layer], finalCell[layer]) = (outputs[1], outputs[2]);
        }
        return (layerInput, finalHidden, finalCell);
    }
}
