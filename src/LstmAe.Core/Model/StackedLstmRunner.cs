using LstmAe.Interop;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Runs a stacked, batch-first <see cref="LSTM"/>'s arithmetic step by step on the module's own parameters (gate
/// order i, f, g, o; dropout between layers while training), so state_dicts are unchanged. Every LSTM on the CPU
/// runs here (see <see cref="StackedLstmShape.UsesFusedKernel(TorchSharp.DeviceType, MatrixPrecision, LstmUse)"/>), and
/// so does any LSTM whose products run in <see cref="MatrixPrecision.BFloat16"/> unless
/// <see cref="CudaLstmSettings.CudnnForBFloat16"/> sends it to cuDNN. On a zero input (an unconditioned decoder's first layer) it skips the
/// [frame size x 4 hidden] product, most of such a decoder's work, instead of multiplying zeros.
/// </summary>
/// <remarks>
/// Create one runner per forward pass: it casts each weight to the product format once (or, without gradients, takes
/// the cast the products' <see cref="MatrixProducts.Weights"/> keep), and a conditional decoder calls <see cref="Run"/>
/// once per step with the same runner. Under <see cref="MatrixPrecision.Float32"/> the
/// results are <c>nn.LSTM</c>'s arithmetic up to float32 rounding; the tests hold them to a float64 reference.
/// </remarks>
internal sealed class StackedLstmRunner
{
    private const int GateCount = 4;

    /// <summary>Values up to which libtorch runs a sigmoid, product or sum on one thread (its <c>GRAIN_SIZE</c>).</summary>
    private const int SerialElementwiseLimit = 32_768;

    private readonly LayerWeights[] _layers;
    private readonly double _dropout;
    private readonly Generator? _dropoutDraws;
    private readonly bool _training;
    private readonly MatrixProducts _products;

    /// <summary>Prepares to run <paramref name="lstm"/>.</summary>
    /// <param name="lstm">The module whose parameters (<c>weight_ih_l0</c>, <c>weight_hh_l0</c>, ...) are used.</param>
    /// <param name="shape">The shape <paramref name="lstm"/> was built with: its layers, and the dropout between them
    /// (applied only while training).</param>
    /// <param name="products">The operand format of every matrix product, and where weight casts are kept.</param>
    /// <param name="training">True while training.</param>
    /// <param name="dropoutDraws">The generator dropout masks on the CPU are drawn from; null for torch's
    /// process-wide one (also used on other devices).</param>
    public StackedLstmRunner(LSTM lstm, StackedLstmShape shape, MatrixProducts products, bool training, Generator? dropoutDraws = null)
    {
        _layers = Enumerable.Range(0, shape.Layers).Select(layer => new LayerWeights(lstm, layer, products)).ToArray();
        _products = products;
        _dropout = shape.Dropout;
        _dropoutDraws = dropoutDraws;
        _training = training;
    }

    /// <summary>Runs <paramref name="steps"/> steps from <paramref name="initialState"/>.</summary>
    /// <param name="input">
    /// The first layer's input, [batch, <paramref name="steps"/>, input size], or null when it is zero at every step.
    /// </param>
    /// <param name="steps">Time steps to run.</param>
    /// <param name="initialState">Initial (h, c), each [layers, batch, hidden].</param>
    /// <returns>The top layer's hidden states [batch, steps, hidden] and every layer's final (h, c).</returns>
    public (Tensor Output, LstmState State) Run(Tensor? input, int steps, LstmState initialState)
    {
        Tensor? layerInput = input;
        var finalHidden = new Tensor[_layers.Length];
        var finalCell = new Tensor[_layers.Length];
        for (int layer = 0; layer < _layers.Length; layer++)
        {
            LayerWeights weights = _layers[layer];
            // A zero input leaves the biases alone as input gates; a real one gives every step's input gates in one
            // product, since the whole sequence is known before this layer runs.
            Tensor inputGates = layerInput is null ? weights.Bias : weights.InputGates(layerInput);
            Tensor hidden = initialState.Hidden[layer];
            Tensor cell = initialState.Cell[layer];
            var outputs = new Tensor[steps];
            // With bfloat16 products, a small state's inference steps take the fused update (FusedCellInference).
            bool fused = _products.Precision == MatrixPrecision.BFloat16 && SmallStateInference(cell, _training)
                && FusedCellInference.Applies(inputGates, cell);
            for (int t = 0; t < steps; t++)
            {
                if (fused)
                {
                    using Tensor product = weights.RecurrentProduct(hidden);
                    (hidden, cell) = FusedCellInference.Step(inputGates, t, product, cell);
                    outputs[t] = hidden;
                    continue;
                }
                Tensor stepInputGates = layerInput is null ? inputGates : inputGates[.., t];
                (hidden, cell) = Cell(weights.Gates(stepInputGates, hidden), cell, _training);
                outputs[t] = hidden;
            }
            (finalHidden[layer], finalCell[layer]) = (hidden, cell);

            layerInput = stack(outputs, dim: 1);
            if (_training && _dropout > 0 && layer < _layers.Length - 1)
                layerInput = Dropout(layerInput);
        }
        return (layerInput!, new LstmState(stack(finalHidden), stack(finalCell)));
    }

    /// <summary>Dropout between layers: libtorch's CPU dropout (<c>input * bernoulli(1 - p) / (1 - p)</c>, the same
    /// arithmetic and draws) with the mask drawn from <see cref="_dropoutDraws"/> where it applies.</summary>
    private Tensor Dropout(Tensor input)
    {
        if (_dropoutDraws is null || input.device_type != _dropoutDraws.device.type)
            return nn.functional.dropout(input, _dropout, training: true);
        Tensor noise = empty_like(input).bernoulli_(1 - _dropout, _dropoutDraws).div_(1 - _dropout);
        return input.mul(noise);
    }

    /// <summary>True in inference (eval mode, no gradients) on the CPU for a state of at most
    /// <see cref="SerialElementwiseLimit"/> values: where <see cref="SmallCellInference"/> or, with bfloat16 products,
    /// <see cref="FusedCellInference"/> updates the cell.</summary>
    private static bool SmallStateInference(Tensor cell, bool training) =>
        !training && !is_grad_enabled() && cell.device_type == DeviceType.CPU && cell.numel() <= SerialElementwiseLimit;

    /// <summary>One LSTM cell update from the summed gate pre-activations, all in float32.</summary>
    /// <remarks>
    /// Each call here is a pass over a small tensor whose fixed cost (dispatch, waking libtorch's threads) rivals
    /// its arithmetic, so the update makes few calls: <c>f c + i g</c> is one <c>addcmul</c>, and without gradients
    /// one sigmoid covers all four gates (the candidate's quarter is computed and unused); with gradients the three
    /// gates get their own, so the backward pass stays small. Small states in inference on the CPU take
    /// <see cref="SmallCellInference"/>.
    /// </remarks>
    private static (Tensor Hidden, Tensor Cell) Cell(Tensor gatePreactivations, Tensor cell, bool training)
    {
        if (SmallStateInference(cell, training))
            return SmallCellInference(gatePreactivations, cell);
        bool recording = is_grad_enabled();
        Tensor[] gates = gatePreactivations.chunk(GateCount, dim: 1);
        Tensor inputGate, forgetGate, outputGate;
        if (recording)
        {
            (inputGate, forgetGate, outputGate) = (gates[0].sigmoid(), gates[1].sigmoid(), gates[3].sigmoid());
        }
        else
        {
            Tensor[] sigmoids = gatePreactivations.sigmoid().chunk(GateCount, dim: 1);
            (inputGate, forgetGate, outputGate) = (sigmoids[0], sigmoids[1], sigmoids[3]);
        }
        Tensor nextCell = (forgetGate * cell).addcmul_(inputGate, gates[2].tanh(), RetainedScalars.One);
        return (outputGate * nextCell.tanh(), nextCell);
    }

    /// <summary>
    /// <see cref="Cell"/> in inference (eval mode, no gradients) on the CPU for a state of at most
    /// <see cref="SerialElementwiseLimit"/> values, with <c>tanh(x)</c> as <c>2 sigmoid(2x) - 1</c>. libtorch runs a
    /// tanh of more than 2,048 values on several threads but a sigmoid, product or sum of a state this size on one, so
    /// the state-sized steps of the update stay on one thread (docs/performance.md). The error is absolute, a few
    /// float32 units of 1, where tanh's is relative. Training mode keeps tanh with or without gradients, so a loss
    /// evaluated there equals the training step's bit for bit.
    /// </summary>
    /// <param name="gatePreactivations">The step's own pre-activations (from <see cref="LayerWeights.Gates"/>),
    /// overwritten.</param>
    /// <param name="cell">The previous cell state.</param>
    private static (Tensor Hidden, Tensor Cell) SmallCellInference(Tensor gatePreactivations, Tensor cell)
    {
        gatePreactivations.chunk(GateCount, dim: 1)[2].mul_(RetainedScalars.Two);
        // sigmoid(i), sigmoid(f), sigmoid(2g), sigmoid(o)
        Tensor[] gates = gatePreactivations.sigmoid_().chunk(GateCount, dim: 1);
        // c' = f c + i (2 sigmoid(2g) - 1), h = o (2 sigmoid(2c') - 1)
        Tensor nextCell = (gates[1] * cell)
            .addcmul_(gates[0], gates[2], RetainedScalars.Two)
            .add_(gates[0], RetainedScalars.MinusOne);
        Tensor hidden = gates[3].neg()
            .addcmul_(gates[3], nextCell.mul(RetainedScalars.Two).sigmoid_(), RetainedScalars.Two);
        return (hidden, nextCell);
    }

    /// <summary>One layer's weights, each cast to the product format at most once per runner.</summary>
    private sealed class LayerWeights
    {
        private readonly MatrixProducts _products;
        private readonly LSTM _lstm;
        private readonly int _layer;
        private readonly Tensor _recurrentWeightTransposed;
        private Tensor? _inputOperand;

        public LayerWeights(LSTM lstm, int layer, MatrixProducts products)
        {
            _products = products;
            _lstm = lstm;
            _layer = layer;
            _recurrentWeightTransposed = Operand("weight_hh_l").t();
            Bias = RetainedScalars.Sum(StackedLstmShape.Parameter(lstm, "bias_ih_l", layer), StackedLstmShape.Parameter(lstm, "bias_hh_l", layer));
        }

        /// <summary><c>bias_ih + bias_hh</c>, float32.</summary>
        public Tensor Bias { get; }

        /// <summary>Input gate pre-activations of every step, [batch, steps, 4 hidden], biases included.</summary>
        public Tensor InputGates(Tensor input)
        {
            // Cast lazily: an unconditioned decoder's first layer never multiplies its input weights.
            _inputOperand ??= Operand("weight_ih_l");
            return _products.Linear(input, _inputOperand, Bias);
        }

        /// <summary>A step's <c>h @ weight_hh^T</c> alone, in the products' format (bfloat16 for bfloat16 products).</summary>
        public Tensor RecurrentProduct(Tensor hidden) => _products.Product(hidden, _recurrentWeightTransposed);

        /// <summary>A step's gate pre-activations: its input gates plus <c>h @ weight_hh^T</c>, a new tensor.</summary>
        public Tensor Gates(Tensor stepInputGates, Tensor hidden) =>
            _products.AddProduct(stepInputGates, hidden, _recurrentWeightTransposed);

        /// <summary>This layer's weight <paramref name="prefix"/> as a product operand (<see cref="MatrixProducts.Weight"/>).</summary>
        private Tensor Operand(string prefix) =>
            _products.Weight(prefix + _layer, StackedLstmShape.Parameter(_lstm, prefix, _layer));
    }
}
