using LstmAe.Model;
using LstmAe.Training;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Training;

/// <summary>The public loss functions on an output without decoded frames.</summary>
[TestClass]
public sealed class AutoEncoderLossTests
{
    [TestMethod]
    public void AnOutputWithoutDecodedFramesHasNoLossToTrainAndZeroValues()
    {
        using var scope = NewDisposeScope();
        Tensor input = zeros(2, 3, 4);
        var state = new LstmState(zeros(1, 2, 5), zeros(1, 2, 5));
        var empty = new AutoEncoderOutput(state, null, null);

        var error = Assert.ThrowsExactly<ArgumentException>(
            () => AutoEncoderLoss.Objective(empty, input, null, TrainingObjective.BinaryCrossEntropy));
        LossValues values = AutoEncoderLoss.Values(empty, input, null, TrainingObjective.BinaryCrossEntropy);

        Assert.AreEqual("output", error.ParamName);
        Assert.AreEqual(new LossValues(0, null, null, null, null), values);
    }
}
