using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Training;

/// <summary>Losses and one Adam step match PyTorch's on the tutorial-layout reference model.</summary>
[TestClass]
public sealed class PyTorchReferenceTrainingTests
{
    private const double RelativeTolerance = 1e-5;

    [TestMethod]
    [DataRow("mse_conditional", DecoderConditioning.Conditional)]
    [DataRow("bce_conditional", DecoderConditioning.Conditional)]
    [DataRow("unconditioned", DecoderConditioning.Unconditioned)]
    public void LossesMatchPyTorch(string setting, DecoderConditioning conditioning)
    {
        // The fixture's outputs are raw decoder outputs; feedback is sigmoid(output) only in the bce setting.
        TrainingObjective feedback = setting == "bce_conditional" ? TrainingObjective.BinaryCrossEntropy : TrainingObjective.MeanSquaredError;
        using var model = SeedFixture.LoadModel(conditioning, feedback);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.eval();
        Tensor past = tensor(SeedFixture.Array("past"), [SeedFixture.Batch, SeedFixture.InputFrames, SeedFixture.FrameSize]);
        Tensor future = tensor(SeedFixture.Array("future"), [SeedFixture.Batch, SeedFixture.FutureFrames, SeedFixture.FrameSize]);
        AutoEncoderOutput output = model.Module.call(past, null);

        LossValues mse = AutoEncoderLoss.Values(output, past, future, TrainingObjective.MeanSquaredError);
        LossValues bce = AutoEncoderLoss.Values(output, past, future, TrainingObjective.BinaryCrossEntropy);

        Check("mse_reconstruction", mse.ReconstructionLoss);
        Check("mse_prediction", mse.PredictionLoss);
        Check("bce_mean_reconstruction", bce.ReconstructionLoss);
        Check("bce_mean_prediction", bce.PredictionLoss);
        Check("bce_nats_per_frame_prediction", bce.PredictionNatsPerFrame);
        void Check(string key, double? actual) =>
            TensorAssert.AreRelativelyClose(SeedFixture.Expected(setting, key).GetDouble(), actual!.Value, RelativeTolerance, $"{setting} {key}");
    }

    [TestMethod]
    public void OneAdamStepMatchesPyTorch()
    {
        using var model = SeedFixture.LoadModel(DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError);
        var source = new InMemorySequenceSource(SeedFixture.FullSequences(), SeedFixture.FullSequenceLength, shuffle: false);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions
        {
            Epochs = null,
            MaxSteps = 1,
            BatchSize = SeedFixture.Batch,
            LearningRate = 1e-3,
            Optimizer = OptimizerAlgorithm.Adam,
        });

        TrainingProgress step = trainer.Fit(source).LastProgress!;
        double lossAfter = trainer.Evaluate(source).Loss;

        TensorAssert.AreRelativelyClose(SeedFixture.Expected("adam_step", "loss_before").GetDouble(), step.Loss, RelativeTolerance, "loss before");
        TensorAssert.AreRelativelyClose(SeedFixture.Expected("adam_step", "grad_norm").GetDouble(), step.GradientNorm, RelativeTolerance, "gradient norm");
        TensorAssert.AreRelativelyClose(SeedFixture.Expected("adam_step", "loss_after").GetDouble(), lossAfter, RelativeTolerance, "loss after");
        using var expected = SeedFixture.LoadModel(DecoderConditioning.Conditional, TrainingObjective.MeanSquaredError, "model_after_adam_step.bin");
        Dictionary<string, float[]> actualWeights = TinyModels.Weights(model);
        foreach (var (name, values) in TinyModels.Weights(expected))
            TensorAssert.AreClose(values, actualWeights[name], 1e-5, name);
    }
}
