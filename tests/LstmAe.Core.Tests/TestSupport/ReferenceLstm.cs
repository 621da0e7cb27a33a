namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// A stacked LSTM in float64 on plain arrays, written from <c>nn.LSTM</c>'s documented equations (gate order i, f, g,
/// o; <c>c' = f·c + i·g</c>, <c>h' = o·tanh(c')</c>), with no libtorch kernel in it. Its weights are read from a
/// parameter dictionary by state_dict name at every step, so finite differences can perturb them in place.
/// </summary>
internal sealed class ReferenceLstm(Dictionary<string, double[]> parameters, string prefix, int hidden, int layers)
{
    private const int GateCount = 4;

    /// <summary>A zero state: (h, c) of every layer.</summary>
    public LstmLayerState[] ZeroState() =>
        Enumerable.Range(0, layers).Select(_ => new LstmLayerState(new double[hidden], new double[hidden])).ToArray();

    /// <summary>One time step through every layer; updates <paramref name="state"/> and returns the top layer's h.</summary>
    public double[] Step(LstmLayerState[] state, double[] input, ReferenceScale scale)
    {
        double[] layerInput = input;
        for (int l = 0; l < layers; l++)
        {
            state[l] = Cell(l, layerInput, state[l], scale);
            layerInput = state[l].Hidden;
        }
        return layerInput;
    }

    private LstmLayerState Cell(int layer, double[] x, LstmLayerState previous, ReferenceScale scale)
    {
        double[] inputWeight = parameters[$"{prefix}weight_ih_l{layer}"], recurrentWeight = parameters[$"{prefix}weight_hh_l{layer}"];
        double[] inputBias = parameters[$"{prefix}bias_ih_l{layer}"], recurrentBias = parameters[$"{prefix}bias_hh_l{layer}"];
        var gates = new double[GateCount * hidden];
        for (int r = 0; r < gates.Length; r++)
        {
            gates[r] = inputBias[r] + recurrentBias[r]
                + scale.Product(inputWeight.AsSpan(r * x.Length, x.Length), x)
                + scale.Product(recurrentWeight.AsSpan(r * hidden, hidden), previous.Hidden);
        }
        var h = new double[hidden];
        var c = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double i = Sigmoid(gates[j]), f = Sigmoid(gates[hidden + j]);
            double g = Math.Tanh(gates[2 * hidden + j]), o = Sigmoid(gates[3 * hidden + j]);
            c[j] = f * previous.Cell[j] + i * g;
            h[j] = o * Math.Tanh(c[j]);
        }
        return new LstmLayerState(h, c);
    }

    /// <summary>The logistic function.</summary>
    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}

/// <summary>One layer's (h, c) in a <see cref="ReferenceLstm"/>.</summary>
internal readonly record struct LstmLayerState(double[] Hidden, double[] Cell)
{
    public LstmLayerState Copy() => new((double[])Hidden.Clone(), (double[])Cell.Clone());
}
