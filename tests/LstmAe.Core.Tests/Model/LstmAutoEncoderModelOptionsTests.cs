using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

[TestClass]
public sealed class LstmAutoEncoderModelOptionsTests
{
    [TestMethod]
    public void JsonRoundTripPreservesEveryOption()
    {
        var options = LstmAutoEncoderModelOptions.Paper with
        {
            FrameHeight = 32,
            Dropout = 0.1,
            Mode = AutoEncoderMode.PredictionOnly,
            Conditioning = DecoderConditioning.TeacherForced,
            Objective = TrainingObjective.MeanSquaredError,
            MatrixPrecision = MatrixPrecision.BFloat16,
        };

        string json = options.ToJson();

        Assert.AreEqual(options, LstmAutoEncoderModelOptions.FromJson(json));
        StringAssert.Contains(json, "\"TeacherForced\"");
        StringAssert.Contains(json, "\"BFloat16\"");
    }

    [TestMethod]
    public void JsonWrittenBeforeMatrixPrecisionExistedReadsAsFloat32()
    {
        var options = LstmAutoEncoderModelOptions.FromJson("{\"HiddenSize\": 64, \"Layers\": 2}");

        Assert.AreEqual(MatrixPrecision.Float32, options.MatrixPrecision);
        Assert.AreEqual(LstmAutoEncoderModelOptions.CpuDefault with { HiddenSize = 64, Layers = 2 }, options);
    }

    [TestMethod]
    public void PresetsDescribeThePaperAndACpuSizedModel()
    {
        Assert.AreEqual(2048, LstmAutoEncoderModelOptions.Paper.HiddenSize);
        Assert.AreEqual(2, LstmAutoEncoderModelOptions.Paper.Layers);
        Assert.AreEqual(TrainingObjective.BinaryCrossEntropy, LstmAutoEncoderModelOptions.Paper.Objective);
        Assert.AreEqual(4096, LstmAutoEncoderModelOptions.CpuDefault.FrameSize);
        Assert.IsTrue(LstmAutoEncoderModelOptions.CpuDefault.HiddenSize < LstmAutoEncoderModelOptions.Paper.HiddenSize);
    }

    [TestMethod]
    public void FeatureSizeFollowsTheChosenState()
    {
        var options = new LstmAutoEncoderModelOptions { HiddenSize = 10, Layers = 3 };
        Assert.AreEqual(10, options.FeatureSize(EncoderFeatures.LastLayerHidden));
        Assert.AreEqual(20, options.FeatureSize(EncoderFeatures.LastLayerHiddenAndCell));
        Assert.AreEqual(30, options.FeatureSize(EncoderFeatures.AllLayersHidden));
        Assert.AreEqual(60, options.FeatureSize(EncoderFeatures.AllLayersHiddenAndCell));
    }

    [TestMethod]
    public void ValidateNamesTheBadOption()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => (LstmAutoEncoderModelOptions.CpuDefault with { HiddenSize = 0 }).Validate());
        StringAssert.Contains(error.Message, "HiddenSize");
        error = Assert.ThrowsExactly<ArgumentException>(() => (LstmAutoEncoderModelOptions.CpuDefault with { Dropout = 1 }).Validate());
        StringAssert.Contains(error.Message, "Dropout");
        error = Assert.ThrowsExactly<ArgumentException>(() => (LstmAutoEncoderModelOptions.CpuDefault with { MatrixPrecision = (MatrixPrecision)7 }).Validate());
        StringAssert.Contains(error.Message, "MatrixPrecision");
        Assert.ThrowsExactly<ArgumentException>(() => LstmAutoEncoderModelOptions.FromJson("{\"HiddenSize\": -3}"));
        Assert.ThrowsExactly<ArgumentException>(() => LstmAutoEncoderModelOptions.FromJson("{not json"));
    }
}
