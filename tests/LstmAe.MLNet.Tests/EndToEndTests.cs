using LstmAe.Data;
using LstmAe.MLNet.Tests.Support;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace LstmAe.MLNet.Tests;

/// <summary>
/// Moving MNIST -> LstmAutoEncode -> multiclass classifier on the digit label -> evaluate; then save, load in a
/// separate process (LstmAe.MLNet.ModelRunner) and compare its predictions with this process's, bit for bit.
/// </summary>
[TestClass]
public sealed class EndToEndTests
{
    private const int Frames = 6; // 3 input + 3 future
    private const int Side = 36;  // room for a 28x28 digit to move

    [TestMethod]
    public void DigitClassifierOnAutoencoderFeaturesRoundTripsThroughAnotherProcess()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = MovingMnist(ml, count: 96, DataSplit.Train);
        IDataView test = ml.Data.Cache(MovingMnist(ml, count: 40, DataSplit.Test));

        var pipeline = ml.Transforms.LstmAutoEncode(new LstmAutoEncoderOptions
            {
                Model = LstmAutoEncoderModelOptions.CpuDefault with { InputFrames = Frames / 2, FutureFrames = Frames / 2, HiddenSize = 32 },
                Training = new TrainingOptions { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, Seed = 2 },
                EncoderFeatures = EncoderFeatures.AllLayersHiddenAndCell,
            })
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                MaximumNumberOfIterations = 200,
                NumberOfThreads = 1, // deterministic
            }));
        var model = pipeline.Fit(train);

        IDataView predictions = model.Transform(test);
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(predictions, "Label");
        Assert.AreEqual(40, metrics.ConfusionMatrix.Counts.Sum(row => row.Sum()));
        Assert.IsTrue(double.IsFinite(metrics.LogLoss), $"log-loss {metrics.LogLoss}");
        // Seconds of training do not give features that tell unseen digits apart (test accuracy is at or below the
        // majority rate when measured), so the check is that the features carry each training sequence's digit
        // well above what a constant prediction gets (0.5 vs 0.146 when measured), which constant features could not.
        double trainAccuracy = ml.MulticlassClassification.Evaluate(model.Transform(train), "Label").MicroAccuracy;
        double trainMajority = MajorityRate(train);
        Assert.IsGreaterThan(trainMajority + 0.1, trainAccuracy, $"training-set micro-accuracy vs majority rate {trainMajority}");

        using var directory = new TempDirectory();
        string modelPath = directory.File("model.zip"), inputPath = directory.File("test.idv"), outputPath = directory.File("out.idv");
        ml.Model.Save(model, train.Schema, modelPath);
        using (FileStream file = File.Create(inputPath))
            ml.Data.SaveAsBinary(test, file, keepHidden: false);

        ModelRunnerProcess.Run(modelPath, inputPath, outputPath, "Features", "Score", "PredictedLabel").AssertSucceeded();

        IDataView other = ml.Data.LoadFromBinary(outputPath);
        CollectionAssert.AreEqual(Column<uint>(predictions, "PredictedLabel"), Column<uint>(other, "PredictedLabel"));
        AssertBitIdentical(Vectors(predictions, "Features"), Vectors(other, "Features"));
        AssertBitIdentical(Vectors(predictions, "Score"), Vectors(other, "Score"));
    }

    private static IDataView MovingMnist(MLContext ml, int count, DataSplit split) => ml.Data.LoadMovingMnist(new MovingMnistOptions
    {
        SequenceCount = count,
        FrameCount = Frames,
        FrameHeight = Side,
        FrameWidth = Side,
        DigitsPerSequence = 1,
        Speed = 2f,
        Split = split,
        Seed = 11,
    });

    private static double MajorityRate(IDataView data)
    {
        uint[] labels = Column<uint>(data, "Label");
        return labels.GroupBy(l => l).Max(g => g.Count()) / (double)labels.Length;
    }

    /// <summary>The accuracy of always predicting the most frequent label.</summary>
    private static T[] Column<T>(IDataView data, string name) => data.GetColumn<T>(data.Schema[name]).ToArray();

    private static float[][] Vectors(IDataView data, string name) =>
        data.GetColumn<VBuffer<float>>(data.Schema[name]).Select(v => v.DenseValues().ToArray()).ToArray();

    private static void AssertBitIdentical(float[][] expected, float[][] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int row = 0; row < expected.Length; row++)
        {
            CollectionAssert.AreEqual(
                expected[row].Select(BitConverter.SingleToInt32Bits).ToArray(),
                actual[row].Select(BitConverter.SingleToInt32Bits).ToArray(), $"row {row}");
        }
    }
}
