using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// The runner must be <c>nn.LSTM</c>: the same outputs, final state and gradients in Float32, on a zero input (which
/// it skips) and on a real one; in BFloat16 the same up to bf16 rounding, with float32 results and gradients.
/// </summary>
[TestClass]
public sealed class StackedLstmRunnerTests
{
    private const int InputSize = 12, Hidden = 8, Layers = 3, Steps = 4, Batch = 5;

    // bf16 keeps 8 significant bits (relative rounding 2^-9 per operand); through a few layers and steps of sums
    // of products the error grows to about 1% of the values' scale.
    private const double BFloat16Tolerance = 2e-2;

    [TestMethod]
    public void MatchesTheLstmModuleOnZeroInputForwardAndBackward()
    {
        using var scope = NewDisposeScope();
        var (lstm, state) = CreateLstm(seed: 7);
        Tensor outputWeights = randn(Batch, Steps, Hidden);

        // The runner goes first, while no parameter has a gradient yet.
        var runner = new StackedLstmRunner(lstm, Shape(dropout: 0), MatrixPrecision.Float32, training: true);
        Tensor actual = runner.Run(input: null, Steps, state).Output;
        (actual * outputWeights).sum().backward();
        Dictionary<string, Tensor> actualGradients = Gradients(lstm);
        lstm.zero_grad();

        var (expected, _, _) = lstm.call(zeros(Batch, Steps, InputSize), (state.Hidden, state.Cell));
        (expected * outputWeights).sum().backward();
        Dictionary<string, Tensor> expectedGradients = Gradients(lstm);

        Assert.IsTrue(actual.allclose(expected, rtol: 0, atol: 1e-6), "outputs differ");
        foreach (var (name, gradient) in expectedGradients)
        {
            if (name == "weight_ih_l0")
            {
                // Its input is zero, so its gradient is zero: the runner leaves it unset instead.
                Assert.AreEqual(0f, gradient.abs().max().item<float>(), name);
                Assert.IsFalse(actualGradients.ContainsKey(name), name);
                continue;
            }
            Assert.IsTrue(actualGradients[name].allclose(gradient, rtol: 0, atol: 1e-5), $"gradient of {name} differs");
        }
    }

    [TestMethod]
    public void MatchesTheLstmModuleOnARealInputWithItsFinalState()
    {
        using var scope = NewDisposeScope();
        var (lstm, state) = CreateLstm(seed: 9);
        Tensor input = randn(Batch, Steps, InputSize);
        Tensor outputWeights = randn(Batch, Steps, Hidden);

        var runner = new StackedLstmRunner(lstm, Shape(dropout: 0), MatrixPrecision.Float32, training: true);
        var (actual, actualState) = runner.Run(input, Steps, state);
        (actual * outputWeights).sum().backward();
        Dictionary<string, Tensor> actualGradients = Gradients(lstm);
        lstm.zero_grad();

        var (expected, hidden, cell) = lstm.call(input, (state.Hidden, state.Cell));
        (expected * outputWeights).sum().backward();
        Dictionary<string, Tensor> expectedGradients = Gradients(lstm);

        Assert.IsTrue(actual.allclose(expected, rtol: 0, atol: 1e-6), "outputs differ");
        Assert.IsTrue(actualState.Hidden.allclose(hidden, rtol: 0, atol: 1e-6), "final h differs");
        Assert.IsTrue(actualState.Cell.allclose(cell, rtol: 0, atol: 1e-6), "final c differs");
        CollectionAssert.AreEquivalent(expectedGradients.Keys, actualGradients.Keys);
        foreach (var (name, gradient) in expectedGradients)
            Assert.IsTrue(actualGradients[name].allclose(gradient, rtol: 0, atol: 1e-5), $"gradient of {name} differs");
    }

    [TestMethod]
    public void BFloat16ProductsRoundButKeepResultsAndGradientsInFloat32()
    {
        using var scope = NewDisposeScope();
        var (lstm, state) = CreateLstm(seed: 10);
        Tensor input = randn(Batch, Steps, InputSize);

        var runner = new StackedLstmRunner(lstm, Shape(dropout: 0), MatrixPrecision.BFloat16, training: true);
        var (actual, actualState) = runner.Run(input, Steps, state);
        actual.sum().backward();
        using var noGrad = no_grad();
        var (expected, _, cell) = lstm.call(input, (state.Hidden, state.Cell));

        Assert.AreEqual(ScalarType.Float32, actual.dtype);
        Assert.AreEqual(ScalarType.Float32, actualState.Cell.dtype);
        double error = (actual - expected).abs().max().item<float>();
        Assert.IsLessThan(BFloat16Tolerance * expected.abs().max().item<float>(), error, "outputs beyond bf16 rounding");
        Assert.IsGreaterThan(0.0, error, "outputs identical: the products did not run in bf16");
        Assert.IsTrue(actualState.Cell.allclose(cell, rtol: 0, atol: BFloat16Tolerance * cell.abs().max().item<float>()), "final c");
        foreach (var (name, parameter) in lstm.named_parameters())
        {
            Assert.IsNotNull(parameter.grad, $"{name} has no gradient");
            Assert.AreEqual(ScalarType.Float32, parameter.grad.dtype, name);
        }
    }

    [TestMethod]
    public void AppliesDropoutBetweenLayersOnlyWhileTraining()
    {
        using var scope = NewDisposeScope();
        var (lstm, state) = CreateLstm(seed: 8);
        using var noGrad = no_grad();
        var (expected, _, _) = lstm.call(zeros(Batch, Steps, InputSize), (state.Hidden, state.Cell));

        Tensor evaluated = new StackedLstmRunner(lstm, Shape(dropout: 0.5), MatrixPrecision.Float32, training: false)
            .Run(input: null, Steps, state).Output;
        Tensor trained = new StackedLstmRunner(lstm, Shape(dropout: 0.5), MatrixPrecision.Float32, training: true)
            .Run(input: null, Steps, state).Output;

        Assert.IsTrue(evaluated.allclose(expected, rtol: 0, atol: 1e-6), "no dropout at inference");
        Assert.IsFalse(trained.allclose(expected, rtol: 0, atol: 1e-3), "dropout while training");
    }

    private static StackedLstmShape Shape(double dropout) => new(InputSize, Hidden, Layers, dropout);

    private static (TorchSharp.Modules.LSTM Lstm, LstmState State) CreateLstm(int seed)
    {
        random.manual_seed(seed);
        var lstm = Shape(dropout: 0).CreateModule();
        return (lstm, new LstmState(randn(Layers, Batch, Hidden), randn(Layers, Batch, Hidden)));
    }

    private static Dictionary<string, Tensor> Gradients(nn.Module lstm) =>
        lstm.named_parameters()
            .Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
}
