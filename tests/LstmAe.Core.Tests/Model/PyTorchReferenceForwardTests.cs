using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>The forward pass matches PyTorch's on the tutorial-layout reference model.</summary>
[TestClass]
public sealed class PyTorchReferenceForwardTests
{
    // PyTorch computed the fixture in float32 and so does LstmAe: each is within float32's rounding bound of the exact
    // result, so the two are within twice that bound of each other.
    private static readonly double Tolerance = 2 * FixtureRoundingBound();

    [TestMethod]
    public void EncoderFinalStateMatchesPyTorch()
    {
        using var model = SeedFixture.LoadModel(DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.eval();
        LstmState state = model.Module.Encoder.call(PastTensor());

        TensorAssert.AreClose(SeedFixture.Array("encoder_h"), state.Hidden.data<float>().ToArray(), Tolerance, "encoder h");
        TensorAssert.AreClose(SeedFixture.Array("encoder_c"), state.Cell.data<float>().ToArray(), Tolerance, "encoder c");
    }

    [TestMethod]
    [DataRow("mse_conditional", DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError)]
    [DataRow("bce_conditional", DecoderConditioning.Conditional, TrainingObjective.BinaryCrossEntropy)]
    [DataRow("unconditioned", DecoderConditioning.Unconditioned, TrainingObjective.MeanSquaredError)]
    public void DecoderOutputsMatchPyTorch(string setting, DecoderConditioning conditioning, TrainingObjective objective)
    {
        using var model = SeedFixture.LoadModel(conditioning, objective);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.eval();
        AutoEncoderOutput output = model.Module.call(PastTensor(), null);

        TensorAssert.AreClose(SeedFixture.Array(setting + "_reconstruction"),
            output.ReversedReconstruction!.data<float>().ToArray(), Tolerance, setting + " reconstruction");
        TensorAssert.AreClose(SeedFixture.Array(setting + "_prediction"),
            output.Prediction!.data<float>().ToArray(), Tolerance, setting + " prediction");
    }

    [TestMethod]
    public void FacadeReturnsReconstructionInNaturalOrderAsPixels()
    {
        using var model = SeedFixture.LoadModel(DecoderConditioning.Conditional, TrainingObjective.BinaryCrossEntropy);
        float[] decoderOrder = SeedFixture.Array("bce_conditional_reconstruction");

        float[] reconstruction = model.Reconstruct(SeedFixture.Array("past"), SeedFixture.Batch);

        int frames = SeedFixture.InputFrames, frameSize = SeedFixture.FrameSize;
        for (int s = 0; s < SeedFixture.Batch; s++)
        {
            for (int t = 0; t < frames; t++)
            {
                // Natural frame t is the decoder's step (frames - 1 - t), passed through the sigmoid.
                float[] expected = decoderOrder.AsSpan(((s * frames) + frames - 1 - t) * frameSize, frameSize).ToArray()
                    .Select(x => 1f / (1f + MathF.Exp(-x))).ToArray();
                TensorAssert.AreClose(expected, reconstruction.AsSpan(((s * frames) + t) * frameSize, frameSize), Tolerance,
                    $"sequence {s} frame {t}");
            }
        }
    }

    [TestMethod]
    public void FacadePredictionAcceptsRowsWithFutureFrames()
    {
        using var model = SeedFixture.LoadModel(DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError);

        float[] fromInputRows = model.Predict(SeedFixture.Array("past"), SeedFixture.Batch);
        float[] fromFullRows = model.Predict(SeedFixture.FullSequences(), SeedFixture.Batch);

        TensorAssert.AreClose(SeedFixture.Array("mse_conditional_prediction"), fromInputRows, Tolerance, "prediction");
        CollectionAssert.AreEqual(fromInputRows, fromFullRows);
    }

    private static double FixtureRoundingBound()
    {
        (DecoderConditioning, TrainingObjective)[] settings =
        [
            (DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError),
            (DecoderConditioning.Conditional, TrainingObjective.BinaryCrossEntropy),
            (DecoderConditioning.Unconditioned, TrainingObjective.MeanSquaredError),
        ];
        return settings.Max(setting =>
        {
            using var model = SeedFixture.LoadModel(setting.Item1, setting.Item2);
            ReferenceScale scale = new ReferenceAutoEncoder(model).Run(SeedFixture.FullSequences(), SeedFixture.Batch, training: false).Scale;
            int steps = SeedFixture.InputFrames + Math.Max(SeedFixture.InputFrames, SeedFixture.FutureFrames);
            return RoundingTolerance.Forward(scale, MatrixPrecision.Float32, steps, model.Options.Layers);
        });
    }

    private static Tensor PastTensor() => tensor(SeedFixture.Array("past"), [SeedFixture.Batch, SeedFixture.InputFrames, SeedFixture.FrameSize]);
}
