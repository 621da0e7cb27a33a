using LstmAe.Metrics;

namespace LstmAe.Core.Tests.Metrics;

[TestClass]
public sealed class FrameMetricsAccumulatorTests
{
    [TestMethod]
    public void BatchesAddUpToTheWholeSet()
    {
        var shape = new FrameShape(12, 11);
        var random = new Random(7);
        float[] target = Enumerable.Range(0, 3 * shape.Size).Select(_ => random.NextSingle()).ToArray();
        float[] predicted = Enumerable.Range(0, 3 * shape.Size).Select(_ => random.NextSingle()).ToArray();
        var accumulator = new FrameMetricsAccumulator(shape);

        accumulator.Add(target.AsSpan(0, shape.Size), predicted.AsSpan(0, shape.Size));
        accumulator.Add(target.AsSpan(shape.Size), predicted.AsSpan(shape.Size));
        var summary = accumulator.Summarize();

        Assert.AreEqual(3L, summary.Frames);
        Assert.AreEqual(FrameMetrics.CrossEntropyNatsPerFrame(target, predicted, shape.Size), summary.CrossEntropyNats, 1e-9);
        Assert.AreEqual(FrameMetrics.SquaredErrorPerFrame(target, predicted, shape.Size), summary.SquaredError, 1e-9);
        Assert.AreEqual(FrameMetrics.AbsoluteErrorPerFrame(target, predicted, shape.Size), summary.AbsoluteError, 1e-9);
        Assert.IsNotNull(summary.Ssim);
        Assert.AreEqual(FrameMetrics.StructuralSimilarityPerFrame(target, predicted, shape), summary.Ssim.Value, 1e-12);
    }

    [TestMethod]
    public void SsimIsLeftOutForFramesSmallerThanItsWindow()
    {
        var accumulator = new FrameMetricsAccumulator(new FrameShape(1, 3));
        accumulator.Add([0, 0, 0], [0.5f, 0.5f, 0.5f]);

        var summary = accumulator.Summarize();

        Assert.IsNull(summary.Ssim);
        Assert.AreEqual(0.75, summary.SquaredError, 1e-9);
    }

    [TestMethod]
    public void ClippingMakesUnboundedPredictionsScorable()
    {
        var strict = new FrameMetricsAccumulator(new FrameShape(1, 2));
        var clipping = new FrameMetricsAccumulator(new FrameShape(1, 2), clipPredictions: true);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => strict.Add([1, 0], [1.5f, -0.5f]));
        clipping.Add([1, 0], [1.5f, -0.5f]);

        var summary = clipping.Summarize();
        Assert.AreEqual(0.0, summary.SquaredError, 1e-12);
        Assert.AreEqual(0.0, summary.CrossEntropyNats, 1e-12);
        Assert.Throws<ArgumentException>(() => clipping.Add([1, 0], [float.NaN, 0]));
    }

    [TestMethod]
    public void AnEmptyAccumulatorHasNothingToSummarize()
    {
        Assert.ThrowsExactly<InvalidOperationException>(() => new FrameMetricsAccumulator(new FrameShape(2, 2)).Summarize());
    }
}
