using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>The zero-input shortcut must be <c>nn.LSTM</c> on a zero tensor: same outputs, same gradients.</summary>
[TestClass]
public sealed class ZeroInputLstmTests
{
    private const int InputSize = 12, Hidden = 8, Layers = 3, Steps = 4, Batch = 5;

    [TestMethod]
    public void MatchesTheLstmModuleOnZeroInputForwardAndBackward()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(7);
        var lstm = nn.LSTM(InputSize, Hidden, Layers, batchFirst: true);
        var state = new LstmState(randn(Layers, Batch, Hidden), randn(Layers, Batch, Hidden));
        Tensor outputWeights = randn(Batch, Steps, Hidden);

        // The shortcut runs first, while no parameter has a gradient yet.
        Tensor actual = ZeroInputLstm.Run(lstm, Layers, Steps, state, dropout: 0, training: true);
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
                // Its input is zero, so its gradient is zero: the shortcut leaves it unset instead.
                Assert.AreEqual(0f, gradient.abs().max().item<float>(), name);
                Assert.IsFalse(actualGradients.ContainsKey(name), name);
                continue;
            }
            Assert.IsTrue(actualGradients[name].allclose(gradient, rtol: 0, atol: 1e-5), $"gradient of {name} differs");
        }
    }

    [TestMethod]
    public void AppliesDropoutBetweenLayersOnlyWhileTraining()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(8);
        var lstm = nn.LSTM(InputSize, Hidden, Layers, batchFirst: true);
        var state = new LstmState(randn(Layers, Batch, Hidden), randn(Layers, Batch, Hidden));
        using var noGrad = no_grad();
        var (expected, _, _) = lstm.call(zeros(Batch, Steps, InputSize), (state.Hidden, state.Cell));

        Tensor evaluated = ZeroInputLstm.Run(lstm, Layers, Steps, state, dropout: 0.5, training: false);
        Tensor trained = ZeroInputLstm.Run(lstm, Layers, Steps, state, dropout: 0.5, training: true);

        Assert.IsTrue(evaluated.allclose(expected, rtol: 0, atol: 1e-6), "no dropout at inference");
        Assert.IsFalse(trained.allclose(expected, rtol: 0, atol: 1e-3), "dropout while training");
    }

    private static Dictionary<string, Tensor> Gradients(nn.Module lstm) =>
        lstm.named_parameters()
            .Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone());
}
