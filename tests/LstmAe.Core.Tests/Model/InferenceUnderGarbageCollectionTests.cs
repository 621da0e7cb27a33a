using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// Inference while other threads collect garbage, as in an ML.NET pipeline or a server: no number passed to libtorch
/// may be a temporary scalar that a collection can free during the native call.
/// </summary>
[TestClass]
public sealed class InferenceUnderGarbageCollectionTests
{
    // Every LSTM step is a handful of native calls on the CPU (StackedLstmRunner), so 200 calls make more native calls
    // under collection than 500 did when float32 ran one fused call per LSTM; each call waits on the collections.
    private const int Calls = 200, Sequences = 4;

    [TestMethod]
    [DataRow(DecoderConditioning.Unconditioned, MatrixPrecision.Float32)]
    [DataRow(DecoderConditioning.Unconditioned, MatrixPrecision.BFloat16)]
    [DataRow(DecoderConditioning.Conditional, MatrixPrecision.Float32)]
    [DataRow(DecoderConditioning.Conditional, MatrixPrecision.BFloat16)]
    public void EveryEntryPointSurvivesConcurrentCollections(DecoderConditioning conditioning, MatrixPrecision precision)
    {
        var options = TinyModels.Options with
        {
            FrameHeight = 8, FrameWidth = 8, HiddenSize = 16, Conditioning = conditioning, MatrixPrecision = precision,
        };
        using var model = LstmAutoEncoder.Create(options, seed: 6);
        float[] sequences = TinyModels.Sequences(options, Sequences);
        float[] features = new float[Sequences * options.FeatureSize(EncoderFeatures.LastLayerHidden)];
        float[] prediction = new float[Sequences * options.FutureFrames * options.FrameSize];
        float[] expectedErrors = model.ReconstructionError(sequences, Sequences);

        using (var stress = new GarbageCollectionStress())
        {
            for (int call = 0; call < Calls; call++)
            {
                switch (call % 4)
                {
                    case 0:
                        model.Infer(sequences, Sequences, new InferenceOutputs { Features = features, Prediction = prediction });
                        break;
                    case 1:
                        model.Encode(sequences, Sequences);
                        break;
                    case 2:
                        model.Reconstruct(sequences, Sequences);
                        break;
                    default:
                        CollectionAssert.AreEqual(expectedErrors, model.ReconstructionError(sequences, Sequences), $"Call {call}");
                        break;
                }
            }
            Assert.IsGreaterThan(0L, stress.Collections);
        }
    }
}
