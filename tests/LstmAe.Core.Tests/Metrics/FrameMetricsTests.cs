using LstmAe.Metrics;

namespace LstmAe.Core.Tests.Metrics;

[TestClass]
public sealed class FrameMetricsTests
{
    private const double Tolerance = 1e-9;

    [TestMethod]
    public void CrossEntropyIsSummedOverPixelsAndAveragedOverFrames()
    {
        // Frame 1: two pixels at p = 0.5 cost ln 2 each. Frame 2: -ln 0.9 (t = 1, p = 0.9) - ln 0.8 (t = 0, p = 0.2).
        float[] target = [1, 0, 1, 0];
        float[] predicted = [0.5f, 0.5f, 0.9f, 0.2f];
        double frame1 = 2 * Math.Log(2);
        double frame2 = -Math.Log(0.9f) - Math.Log(1 - 0.2f);

        double nats = FrameMetrics.CrossEntropyNatsPerFrame(target, predicted, frameSize: 2);

        Assert.AreEqual((frame1 + frame2) / 2, nats, 1e-6);
    }

    [TestMethod]
    public void CrossEntropyOfSoftTargetsCountsBothTerms()
    {
        // t = 0.25, p = 0.5: -(0.25 ln 0.5 + 0.75 ln 0.5) = ln 2.
        Assert.AreEqual(Math.Log(2), FrameMetrics.CrossEntropyNatsPerFrame([0.25f], [0.5f], frameSize: 1), 1e-7);
    }

    [TestMethod]
    public void CrossEntropyClampsLogsAtMinusOneHundredLikePyTorch()
    {
        Assert.AreEqual(100.0, FrameMetrics.CrossEntropyNatsPerFrame([1f], [0f], frameSize: 1), Tolerance);
        Assert.AreEqual(0.0, FrameMetrics.CrossEntropyNatsPerFrame([1f, 0f], [1f, 0f], frameSize: 2), Tolerance);
    }

    [TestMethod]
    public void SquaredAndAbsoluteErrorsAreSummedOverPixelsAndAveragedOverFrames()
    {
        float[] target = [0, 0, 0, 0, 1, 1, 1, 1];
        float[] predicted = [1, 0, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f];

        // Frame 1: one pixel off by 1. Frame 2: four pixels off by 0.5 (squares 0.25, sum 1; absolutes sum 2).
        Assert.AreEqual((1.0 + 1.0) / 2, FrameMetrics.SquaredErrorPerFrame(target, predicted, frameSize: 4), Tolerance);
        Assert.AreEqual((1.0 + 2.0) / 2, FrameMetrics.AbsoluteErrorPerFrame(target, predicted, frameSize: 4), Tolerance);
    }

    [TestMethod]
    public void MismatchedLengthsAreRejectedWithBothSizes()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => FrameMetrics.SquaredErrorPerFrame([0, 0, 0, 0], [0, 0], frameSize: 2));
        StringAssert.Contains(error.Message, "2 floats");
        StringAssert.Contains(error.Message, "4");
    }

    [TestMethod]
    public void PartialFramesAreRejected()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => FrameMetrics.AbsoluteErrorPerFrame([0, 0, 0], [0, 0, 0], frameSize: 2));
        StringAssert.Contains(error.Message, "2-pixel frames");
        Assert.ThrowsExactly<ArgumentException>(() => FrameMetrics.AbsoluteErrorPerFrame([], [], frameSize: 2));
    }

    [TestMethod]
    public void NonFiniteAndOutOfRangeValuesAreRejectedWithTheirIndex()
    {
        var nan = Assert.ThrowsExactly<ArgumentException>(() => FrameMetrics.SquaredErrorPerFrame([0, 0], [0, float.NaN], frameSize: 2));
        StringAssert.Contains(nan.Message, "predicted[1]");

        var outOfRange = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => FrameMetrics.CrossEntropyNatsPerFrame([0, 1.5f], [0.5f, 0.5f], frameSize: 2));
        StringAssert.Contains(outOfRange.Message, "target[1]");
    }
}
