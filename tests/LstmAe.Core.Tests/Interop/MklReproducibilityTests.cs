using System.Runtime.InteropServices;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Interop;
using LstmAe.Model;
using TorchSharp;

namespace LstmAe.Core.Tests.Interop;

/// <summary>
/// With MKL in its reproducible mode, one set of weights gives the same bits in every model instance. Without it,
/// two instances differed in the last bit on an AMD Zen 5 CPU (docs/platform.md).
/// </summary>
[TestClass]
public sealed class MklReproducibilityTests
{
    // Without the mode, this model's reconstructions differed between instances.
    private static readonly LstmAutoEncoderModelOptions Options = TinyModels.Options with
    {
        Dropout = 0, Conditioning = DecoderConditioning.Unconditioned,
    };

    [TestMethod]
    public void TheModeIsOnForThisLibtorch()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Assert.Inconclusive("TorchSharp-cpu's libtorch carries MKL on Linux x64.");
        Assert.IsTrue(MklReproducibility.Status is MklReproducibilityStatus.Enabled or MklReproducibilityStatus.SetByEnvironment,
            MklReproducibility.Status.ToString());
    }

    [TestMethod]
    [DataRow(MatrixPrecision.Float32)]
    [DataRow(MatrixPrecision.BFloat16)]
    public void EveryInstanceOfOneModelGivesTheSameBits(MatrixPrecision precision)
    {
        var options = Options with { MatrixPrecision = precision };
        float[] sequences = TinyModels.Sequences(options, 2);
        using var original = LstmAutoEncoder.Create(options, seed: 4);
        using var copy = LstmAutoEncoder.Create(options, seed: 11);
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in original.Module.named_parameters())
                copy.Module.get_parameter(name)!.copy_(parameter);
        }

        CollectionAssert.AreEqual(Outputs(original, sequences), Outputs(copy, sequences));
    }

    private static float[] Outputs(LstmAutoEncoder model, float[] sequences)
    {
        int count = sequences.Length / model.Options.FullSequenceLength;
        return [.. model.Encode(sequences, count, EncoderFeatures.AllLayersHiddenAndCell), .. model.Reconstruct(sequences, count), .. model.Predict(sequences, count)];
    }
}
