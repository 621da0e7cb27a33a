using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// The runner computes <c>nn.LSTM</c>'s equations: its outputs, final state and gradients are held to a float64
/// LSTM written without libtorch (<see cref="ReferenceLstm"/>, gradients by finite differences) within rounding
/// tolerances, on a zero input (which it skips) and on a real one, in float32 and bfloat16.
/// </summary>
[TestClass]
public sealed class StackedLstmRunnerTests
{
    private const int InputSize = 12, Hidden = 8, Layers = 3, Steps = 4, Batch = 5;

    [TestMethod]
    [DataRow(false, MatrixPrecision.Float32)]
    [DataRow(true, MatrixPrecision.Float32)]
    [DataRow(false, MatrixPrecision.BFloat16)]
    [DataRow(true, MatrixPrecision.BFloat16)]
    public void MatchesTheFloat64ReferenceForwardAndBackward(bool zeroInput, MatrixPrecision precision)
    {
        using var scope = NewDisposeScope();
        var (lstm, state) = CreateLstm(seed: 7);
        Tensor? input = zeroInput ? null : randn(Batch, Steps, InputSize);
        Tensor outputWeights = randn(Batch, Steps, Hidden);
        Tensor stateWeights = randn(Layers, Batch, Hidden);

        var runner = new StackedLstmRunner(lstm, Shape(dropout: 0), new MatrixProducts(precision), training: true);
        var (output, finalState) = runner.Run(input, Steps, state);
        ((output * outputWeights).sum() + (finalState.Cell * stateWeights).sum()).backward();

        var reference = new Reference(lstm, input, state, outputWeights, stateWeights);
        var (expectedOutput, expectedCell, scale) = reference.Run();
        double tolerance = RoundingTolerance.Forward(scale, precision, Steps, Layers);
        Assert.AreEqual(ScalarType.Float32, output.dtype);
        TensorAssert.AreClose(expectedOutput, Floats(output), tolerance, $"{precision} outputs");
        TensorAssert.AreClose(expectedCell, Floats(finalState.Cell), tolerance, $"{precision} final c");

        var gradients = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        var sampled = gradients.Keys.ToDictionary(name => name, name => reference.SampleGradient(name));
        double gradientTolerance = 4 * tolerance * sampled.Values.SelectMany(g => g).Max(g => Math.Abs(g.Value));
        foreach (var (name, expected) in sampled)
        {
            Tensor? gradient = gradients[name];
            if (zeroInput && name == "weight_ih_l0")
            {
                // Its input is zero, so its gradient is zero: the runner leaves it unset instead.
                Assert.IsNull(gradient, name);
                Assert.IsTrue(expected.All(g => g.Value == 0), name);
                continue;
            }
            Assert.IsNotNull(gradient, name);
            Assert.AreEqual(ScalarType.Float32, gradient.dtype, name);
            float[] actual = Floats(gradient);
            foreach (var (index, value) in expected)
            {
                Assert.IsTrue(Math.Abs(value - actual[index]) <= gradientTolerance,
                    $"{precision} gradient of {name}[{index}]: expected {value:R}, got {actual[index]:R} (tolerance {gradientTolerance:E2}).");
            }
        }
    }

    /// <summary>Dropout drawn from a run's own generator is libtorch's dropout drawn from the process-wide generator
    /// seeded alike, bit for bit, forward and backward; and what other code draws meanwhile does not change it.</summary>
    [TestMethod]
    public void DropoutFromAGeneratorOfItsOwnIsLibtorchsDropout()
    {
        using var scope = NewDisposeScope();
        var (lstm, state) = CreateLstm(seed: 5);
        Tensor input = randn(Batch, Steps, InputSize);
        StackedLstmShape shape = Shape(dropout: 0.4);

        manual_seed(21);
        var (expected, _) = new StackedLstmRunner(lstm, shape, new MatrixProducts(MatrixPrecision.Float32), training: true).Run(input, Steps, state);
        expected.sum().backward();
        float[] expectedGradient = Floats(lstm.named_parameters().Single(p => p.name == "weight_ih_l1").parameter.grad!);
        lstm.zero_grad();

        using var draws = new Generator(21, new Device(DeviceType.CPU));
        manual_seed(99);
        var runner = new StackedLstmRunner(lstm, shape, new MatrixProducts(MatrixPrecision.Float32), training: true, dropoutDraws: draws);
        rand(1000); // another draw from the process-wide generator changes nothing here
        var (actual, _) = runner.Run(input, Steps, state);
        actual.sum().backward();

        CollectionAssert.AreEqual(Floats(expected), Floats(actual));
        CollectionAssert.AreEqual(expectedGradient, Floats(lstm.named_parameters().Single(p => p.name == "weight_ih_l1").parameter.grad!));
        var (withoutDropout, _) = new StackedLstmRunner(lstm, Shape(dropout: 0), new MatrixProducts(MatrixPrecision.Float32), training: true).Run(input, Steps, state);
        CollectionAssert.AreNotEqual(Floats(withoutDropout), Floats(actual), "no dropout happened");
    }

    /// <summary>In inference a state under 32,768 values takes tanh as 2 sigmoid(2x) - 1, a larger one libtorch's
    /// tanh: both held to the reference.</summary>
    [TestMethod]
    [DataRow(5, 8)]
    [DataRow(64, 512)]
    public void InferenceMatchesTheFloat64ReferenceAtSmallAndLargeStates(int batch, int hidden)
    {
        const int InputSize = 6, Steps = 3;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        random.manual_seed(11);
        var shape = new StackedLstmShape(InputSize, hidden, Layers: 1, Dropout: 0);
        var lstm = shape.CreateModule();
        Tensor input = randn(batch, Steps, InputSize);
        var state = new LstmState(randn(1, batch, hidden), randn(1, batch, hidden));

        var reference = new ReferenceLstm(lstm.named_parameters().ToDictionary(p => p.name, p => Doubles(p.parameter)), "", hidden, layers: 1);
        var scale = new ReferenceScale();
        double[] frames = Doubles(input), initialHidden = Doubles(state.Hidden), initialCell = Doubles(state.Cell);
        var expectedOutput = new double[batch * Steps * hidden];
        var expectedCell = new double[batch * hidden];
        for (int b = 0; b < batch; b++)
        {
            LstmLayerState[] layerState = [new(initialHidden.AsSpan(b * hidden, hidden).ToArray(), initialCell.AsSpan(b * hidden, hidden).ToArray())];
            for (int t = 0; t < Steps; t++)
                reference.Step(layerState, frames.AsSpan((b * Steps + t) * InputSize, InputSize).ToArray(), scale).CopyTo(expectedOutput, (b * Steps + t) * hidden);
            layerState[0].Cell.CopyTo(expectedCell, b * hidden);
        }

        foreach (MatrixPrecision precision in Enum.GetValues<MatrixPrecision>())
        {
            var (output, finalState) = new StackedLstmRunner(lstm, shape, new MatrixProducts(precision), training: false).Run(input, Steps, state);
            double tolerance = RoundingTolerance.Forward(scale, precision, Steps, layers: 1);
            TensorAssert.AreClose(expectedOutput, Floats(output), tolerance, $"{precision} outputs, {batch} x {hidden}");
            TensorAssert.AreClose(expectedCell, Floats(finalState.Cell), tolerance, $"{precision} final c, {batch} x {hidden}");
        }
    }

    [TestMethod]
    public void BFloat16ProductsRoundTheOperands()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (lstm, state) = CreateLstm(seed: 10);
        Tensor input = randn(Batch, Steps, InputSize);

        Tensor single = new StackedLstmRunner(lstm, Shape(dropout: 0), new MatrixProducts(MatrixPrecision.Float32), training: false).Run(input, Steps, state).Output;
        Tensor reduced = new StackedLstmRunner(lstm, Shape(dropout: 0), new MatrixProducts(MatrixPrecision.BFloat16), training: false).Run(input, Steps, state).Output;

        Assert.AreEqual(ScalarType.Float32, reduced.dtype);
        Assert.IsGreaterThan(0f, (reduced - single).abs().max().item<float>(), "identical outputs: the products did not run in bf16");
    }

    [TestMethod]
    public void AppliesDropoutBetweenLayersOnlyWhileTraining()
    {
        using var scope = NewDisposeScope();
        var (lstm, state) = CreateLstm(seed: 8);
        using var noGrad = no_grad();
        Tensor Run(double dropout, bool training) =>
            new StackedLstmRunner(lstm, Shape(dropout), new MatrixProducts(MatrixPrecision.Float32), training).Run(input: null, Steps, state).Output;

        Tensor evaluated = Run(dropout: 0.5, training: false);
        Tensor trained = Run(dropout: 0.5, training: true);

        Assert.IsTrue(evaluated.eq(Run(dropout: 0, training: false)).all().item<bool>(), "no dropout at inference: the same arithmetic, bit for bit");
        Assert.IsTrue(trained.isfinite().all().item<bool>(), "finite while training");
        Assert.IsFalse(trained.eq(Run(dropout: 0, training: true)).all().item<bool>(), "dropout while training");
    }

    private static StackedLstmShape Shape(double dropout) => new(InputSize, Hidden, Layers, dropout);

    private static (TorchSharp.Modules.LSTM Lstm, LstmState State) CreateLstm(int seed)
    {
        random.manual_seed(seed);
        var lstm = Shape(dropout: 0).CreateModule();
        return (lstm, new LstmState(randn(Layers, Batch, Hidden), randn(Layers, Batch, Hidden)));
    }

    private static float[] Floats(Tensor tensor) => tensor.detach().cpu().contiguous().data<float>().ToArray();

    private static double[] Doubles(Tensor tensor) => Array.ConvertAll(Floats(tensor), v => (double)v);

    /// <summary>The same LSTM, input, state and projected loss in float64, by <see cref="ReferenceLstm"/>.</summary>
    private sealed class Reference
    {
        private const int SampledPerParameter = 6;

        private readonly Dictionary<string, double[]> _parameters;
        private readonly double[]? _input;
        private readonly double[] _hidden, _cell, _outputWeights, _stateWeights;

        public Reference(TorchSharp.Modules.LSTM lstm, Tensor? input, LstmState state, Tensor outputWeights, Tensor stateWeights)
        {
            _parameters = lstm.named_parameters().ToDictionary(p => p.name, p => Doubles(p.parameter));
            _input = input is null ? null : Doubles(input);
            (_hidden, _cell) = (Doubles(state.Hidden), Doubles(state.Cell));
            (_outputWeights, _stateWeights) = (Doubles(outputWeights), Doubles(stateWeights));
        }

        /// <summary>Top-layer outputs [batch, steps, hidden], final c [layers, batch, hidden], and the products' sizes.</summary>
        public (double[] Output, double[] Cell, ReferenceScale Scale) Run()
        {
            var scale = new ReferenceScale();
            var lstm = new ReferenceLstm(_parameters, "", Hidden, Layers);
            var output = new double[Batch * Steps * Hidden];
            var finalCell = new double[Layers * Batch * Hidden];
            for (int b = 0; b < Batch; b++)
            {
                LstmLayerState[] state = Enumerable.Range(0, Layers)
                    .Select(l => new LstmLayerState(_hidden.AsSpan((l * Batch + b) * Hidden, Hidden).ToArray(), _cell.AsSpan((l * Batch + b) * Hidden, Hidden).ToArray()))
                    .ToArray();
                for (int t = 0; t < Steps; t++)
                {
                    double[] frame = _input is null ? new double[InputSize] : _input.AsSpan((b * Steps + t) * InputSize, InputSize).ToArray();
                    lstm.Step(state, frame, scale).CopyTo(output, (b * Steps + t) * Hidden);
                }
                for (int l = 0; l < Layers; l++) state[l].Cell.CopyTo(finalCell, (l * Batch + b) * Hidden);
            }
            return (output, finalCell, scale);
        }

        /// <summary>The loss's gradient at a few entries of parameter <paramref name="name"/>.</summary>
        public (int Index, double Value)[] SampleGradient(string name)
        {
            return FiniteDifference.Sample(_parameters, name, SampledPerParameter, new Random(name.Length * 31 + name[^1]), Loss);
        }

        private double Loss()
        {
            var (output, finalCell, _) = Run();
            return output.Select((v, i) => v * _outputWeights[i]).Sum() + finalCell.Select((v, i) => v * _stateWeights[i]).Sum();
        }
    }
}
