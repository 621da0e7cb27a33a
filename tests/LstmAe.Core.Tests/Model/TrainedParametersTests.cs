using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Model;

[TestClass]
public sealed class TrainedParametersTests
{
    [TestMethod]
    [DataRow(DecoderConditioning.Unconditioned, new[] { "reconstruct_decoder.lstm.weight_ih_l0", "predict_decoder.lstm.weight_ih_l0" })]
    [DataRow(DecoderConditioning.Conditional, new string[0])]
    [DataRow(DecoderConditioning.TeacherForced, new string[0])]
    public void LeaveOutOnlyWeightsThatNeverGetAGradient(DecoderConditioning conditioning, string[] idle)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options with { Conditioning = conditioning });
        var trained = new HashSet<object>(model.Module.TrainedParameters(), ReferenceEqualityComparer.Instance);

        string[] leftOut = model.Module.named_parameters().Where(p => !trained.Contains(p.parameter)).Select(p => p.name).ToArray();

        CollectionAssert.AreEquivalent(idle, leftOut);
    }

    [TestMethod]
    public void TrainingChangesEveryTrainedWeightAndNoIdleOne()
    {
        var options = TinyModels.Options with { Conditioning = DecoderConditioning.Unconditioned };
        using var model = LstmAutoEncoder.Create(options, seed: 4);
        Dictionary<string, float[]> before = TinyModels.Weights(model);

        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 4 }).Fit(TinyModels.Source(options, 8));

        Dictionary<string, float[]> after = TinyModels.Weights(model);
        foreach (var (name, weights) in before)
        {
            bool idle = name.EndsWith("decoder.lstm.weight_ih_l0", StringComparison.Ordinal);
            Assert.AreEqual(idle, weights.SequenceEqual(after[name]), name);
        }
    }
}
