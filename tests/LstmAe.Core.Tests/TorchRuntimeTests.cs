using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests;

/// <summary>Proves the native library loads on this host (the build's libstdc++ compatibility step) and computes.</summary>
[TestClass]
public sealed class TorchRuntimeTests
{
    [TestMethod]
    public void TorchInitialisesAndRunsAnLstm()
    {
        torch.random.manual_seed(1);
        using var lstm = nn.LSTM(inputSize: 4, hiddenSize: 3, numLayers: 2, batchFirst: true);
        using var input = torch.ones(2, 5, 4);
        var (output, h, c) = lstm.call(input);
        using (output) using (h) using (c)
        {
            CollectionAssert.AreEqual(new long[] { 2, 5, 3 }, output.shape);
            CollectionAssert.AreEqual(new long[] { 2, 2, 3 }, h.shape);
            Assert.IsTrue(torch.isfinite(output).all().item<bool>());
            Assert.IsTrue(output.abs().sum().item<float>() > 0f);
        }
    }
}
