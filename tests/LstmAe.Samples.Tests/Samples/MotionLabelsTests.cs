using LstmAe.Data;
using LstmAe.Samples.MovingMnist.Steps.Classification;

namespace LstmAe.Samples.Tests.Samples;

[TestClass]
public sealed class MotionLabelsTests
{
    /// <summary>Sectors are centred on the compass directions, counted from rightwards towards downwards (rows grow
    /// down), so a digit moving up is sector 6.</summary>
    [TestMethod]
    [DataRow(1f, 0f, 0)]
    [DataRow(1f, 1f, 1)]
    [DataRow(0f, 1f, 2)]
    [DataRow(-1f, 1f, 3)]
    [DataRow(-1f, 0f, 4)]
    [DataRow(-1f, -1e-6f, 4)]
    [DataRow(-1f, -1f, 5)]
    [DataRow(0f, -1f, 6)]
    [DataRow(1f, -1f, 7)]
    [DataRow(1f, -0.4f, 0)] // -21.8 degrees: still the rightward sector, which spans -22.5 to 22.5
    [DataRow(1f, -0.42f, 7)] // -22.8 degrees
    public void DirectionIsTheSectorOfTheVelocity(float vx, float vy, int expected) =>
        Assert.AreEqual(expected, MotionLabels.Direction(new DigitMotion(0, 0, 0, 0, 3.6f * vx, 3.6f * vy)));

    [TestMethod]
    [DataRow(3.6f, 0)]
    [DataRow(4.0f, 0)]
    [DataRow(4.2f, 1)]
    [DataRow(4.9f, 2)]
    [DataRow(5.0f, 2)]
    public void SpeedBandsAreThirdsOfTheRange(float speed, int expected)
    {
        float angle = 0.7f;
        var motion = new DigitMotion(0, 0, 0, 0, speed * MathF.Cos(angle), speed * MathF.Sin(angle));
        Assert.AreEqual(expected, MotionLabels.Speed(motion, 3.6f, 5f));
        Assert.AreEqual(0, MotionLabels.Speed(motion, 3.6f, 3.6f), "one speed: one band");
    }

    /// <summary>Every direction occurs in generated clips, about equally often: the task is balanced.</summary>
    [TestMethod]
    public void GeneratedClipsCoverEveryDirection()
    {
        var generator = new MovingMnistGenerator(new MovingMnistOptions { SequenceCount = 4_000, DigitsPerSequence = 1 });
        var counts = new int[MotionLabels.DirectionBins];
        for (int i = 0; i < generator.SequenceCount; i++)
        {
            counts[MotionLabels.Direction(generator.SampleMotions(i)[0])]++;
        }
        Assert.IsTrue(counts.All(c => c is > 400 and < 600), string.Join(", ", counts));
    }
}
