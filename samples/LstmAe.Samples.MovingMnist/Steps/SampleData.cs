using LstmAe.Data;
using Microsoft.ML;

namespace LstmAe.Samples.MovingMnist.Steps;

/// <summary>
/// The three Moving MNIST data views of the sample (two digits, input then future frames). Training and validation
/// draw from the training digits with different seeds; the test set draws from held-out digits.
/// </summary>
/// <param name="Train">Training sequences.</param>
/// <param name="Validation">Validation sequences.</param>
/// <param name="Test">Test sequences.</param>
internal sealed record SampleData(IDataView Train, IDataView Validation, IDataView Test)
{
    public static SampleData Generate(MLContext mlContext, SampleSettings settings)
    {
        IDataView Load(int count, DataSplit split, int seed) => mlContext.Data.LoadMovingMnist(Options(settings, count, split, seed));
        return new SampleData(
            Load(settings.TrainSequences, DataSplit.Train, settings.Seed),
            Load(settings.ValidationSequences, DataSplit.Train, settings.Seed + 1),
            Load(settings.TestSequences, DataSplit.Test, settings.Seed + 2));
    }

    /// <summary>Moving MNIST at the sample's frame size and speeds (the paper's motion unless <see cref="SampleSettings.MaxSpeed"/> is set).</summary>
    public static MovingMnistOptions Options(SampleSettings settings, int count, DataSplit split, int seed, int digits = 2, int? frames = null) => new()
    {
        SequenceCount = count,
        FrameCount = frames ?? settings.InputFrames + settings.FutureFrames,
        FrameHeight = settings.FrameSize,
        FrameWidth = settings.FrameSize,
        DigitsPerSequence = digits,
        Speed = settings.Speed,
        MaxSpeed = settings.MaxSpeed,
        Split = split,
        Seed = seed,
    };
}
