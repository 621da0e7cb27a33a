using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

[TestClass]
public sealed class DecoderConditioningTests
{
    [TestMethod]
    public void TeacherForcedStepSeesOnlyEarlierTargetsWhileTraining()
    {
        var options = TinyModels.Options with { Dropout = 0, Conditioning = DecoderConditioning.TeacherForced, FutureFrames = 3 };
        using var model = LstmAutoEncoder.Create(options);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.train();
        Tensor input = rand(2, options.InputFrames, options.FrameSize);
        Tensor future = rand(2, 3, options.FrameSize);
        Tensor changedFirst = future.clone();
        changedFirst[.., 0] = rand(2, options.FrameSize);
        Tensor changedLast = future.clone();
        changedLast[.., 2] = rand(2, options.FrameSize);

        Tensor baseline = model.Module.call(input, future).Prediction!;
        Tensor withFirstChanged = model.Module.call(input, changedFirst).Prediction!;
        Tensor withLastChanged = model.Module.call(input, changedLast).Prediction!;

        Assert.IsTrue(baseline.eq(withLastChanged).all().item<bool>(), "The last target is never an input.");
        Assert.IsTrue(baseline[.., 0].eq(withFirstChanged[.., 0]).all().item<bool>(), "The first step gets a zero frame.");
        Assert.IsFalse(baseline[.., 1].allclose(withFirstChanged[.., 1]), "Step 1 gets target 0.");
    }

    [TestMethod]
    public void TeacherForcedDecoderFeedsBackItsOwnOutputAtInference()
    {
        var teacherForced = TinyModels.Options with { Conditioning = DecoderConditioning.TeacherForced };
        using var forced = LstmAutoEncoder.Create(teacherForced, seed: 2);
        using var conditional = LstmAutoEncoder.Create(teacherForced with { Conditioning = DecoderConditioning.Conditional }, seed: 2);
        float[] sequences = TinyModels.Sequences(teacherForced, 2);

        CollectionAssert.AreEqual(conditional.Predict(sequences, 2), forced.Predict(sequences, 2));
        CollectionAssert.AreEqual(conditional.Reconstruct(sequences, 2), forced.Reconstruct(sequences, 2));
    }

    [TestMethod]
    public void UnconditionedOutputIgnoresTargets()
    {
        var options = TinyModels.Options with { Dropout = 0, Conditioning = DecoderConditioning.Unconditioned };
        using var model = LstmAutoEncoder.Create(options);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.train();
        Tensor input = rand(2, options.InputFrames, options.FrameSize);

        Tensor a = model.Module.call(input, rand(2, options.FutureFrames, options.FrameSize)).Prediction!;
        Tensor b = model.Module.call(input, rand(2, options.FutureFrames, options.FrameSize)).Prediction!;

        Assert.IsTrue(a.eq(b).all().item<bool>());
    }
}
