using LstmAe.Metrics;
using static TorchSharp.torch;

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
        Assert.AreEqual(-2 * Math.Log(1 - FrameMetrics.PixelClamp), summary.CrossEntropyNats, 1e-12);
        Assert.Throws<ArgumentException>(() => clipping.Add([1, 0], [float.NaN, 0]));
    }

    [TestMethod]
    public void ClippedCrossEntropyEqualsTheNatsTrainingReportsForMeanSquaredErrorModels()
    {
        var shape = new FrameShape(2, 3);
        var random = new Random(3);
        // Unbounded outputs, some confidently wrong: exactly 0 or 1 against the opposite target.
        float[] target = [1, 0, 1, 0, 0.5f, 1, 0, 1, 0.25f, 1, 0, 0];
        float[] predicted = [0, 1, -0.4f, 1.3f, .. Enumerable.Range(0, 8).Select(_ => random.NextSingle() * 2 - 0.5f)];
        var accumulator = new FrameMetricsAccumulator(shape, clipPredictions: true);

        accumulator.Add(target, predicted);

        // What AutoEncoderLoss reports for an MSE model: BCE of the clamped outputs, mean per pixel times pixels per frame.
        using var scope = NewDisposeScope();
        // (In double precision here, so that only the clamp, not float rounding, is compared.)
        using var outputs = tensor(predicted).to_type(ScalarType.Float64);
        using var targets = tensor(target).to_type(ScalarType.Float64);
        double training = nn.functional.binary_cross_entropy(
            outputs.clamp(FrameMetrics.PixelClamp, 1 - FrameMetrics.PixelClamp), targets).item<double>() * shape.Size;
        Assert.AreEqual(training, accumulator.Summarize().CrossEntropyNats, 1e-9 * training);

        var onePixel = new FrameMetricsAccumulator(new FrameShape(1, 1), clipPredictions: true);
        onePixel.Add([1], [-0.2f]);
        Assert.AreEqual(-Math.Log(FrameMetrics.PixelClamp), onePixel.Summarize().CrossEntropyNats, 1e-9, "A wrong pixel costs about 13.8 nats, not 100.");
    }

    [TestMethod]
    public void ARejectedBatchLeavesTheTotalsAsTheyWere()
    {
        var shape = new FrameShape(8, 8);
        var random = new Random(11);
        float[] Frames(int count) => Enumerable.Range(0, count * shape.Size).Select(_ => random.NextSingle()).ToArray();
        float[] target = Frames(2), predicted = Frames(2), badTarget = Frames(2), badPredicted = Frames(2);
        badPredicted[^1] = float.NaN; // the last pixel of the second frame: everything before it is scorable
        var withRejection = new FrameMetricsAccumulator(shape, clipPredictions: true);
        var without = new FrameMetricsAccumulator(shape, clipPredictions: true);

        withRejection.Add(target, predicted);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => withRejection.Add(badTarget, badPredicted));
        without.Add(target, predicted);

        Assert.AreEqual(without.Summarize(), withRejection.Summarize());
    }

    [TestMethod]
    public void AnEmptyAccumulatorHasNothingToSummarize()
    {
        Assert.ThrowsExactly<InvalidOperationException>(() => new FrameMetricsAccumulator(new FrameShape(2, 2)).Summarize());
    }
}
