using LstmAe.Metrics;

namespace LstmAe.Core.Tests.Metrics;

[TestClass]
public sealed class StructuralSimilarityTests
{
    private static readonly FrameShape Window = new(StructuralSimilarity.WindowSize, StructuralSimilarity.WindowSize);

    [TestMethod]
    public void AFrameIsPerfectlySimilarToItself()
    {
        var shape = new FrameShape(16, 20);
        float[] frame = RandomFrame(shape, seed: 3);

        Assert.AreEqual(1.0, new StructuralSimilarity(shape).Compute(frame, frame), 1e-12);
    }

    [TestMethod]
    public void ConstantFramesCompareOnLuminanceAlone()
    {
        // No variance anywhere: SSIM = (2ab + C1) / (a^2 + b^2 + C1), at every window position.
        const float A = 0.2f, B = 0.6f;
        var shape = new FrameShape(13, 12);
        double expected = (2.0 * A * B + StructuralSimilarity.C1) / ((double)A * A + (double)B * B + StructuralSimilarity.C1);

        double ssim = new StructuralSimilarity(shape).Compute(Filled(shape, A), Filled(shape, B));

        Assert.AreEqual(expected, ssim, 1e-7);
    }

    [TestMethod]
    public void BlackAgainstWhiteIsNearlyZero()
    {
        double ssim = new StructuralSimilarity(Window).Compute(Filled(Window, 0), Filled(Window, 1));

        Assert.AreEqual(StructuralSimilarity.C1 / (1 + StructuralSimilarity.C1), ssim, 1e-12);
    }

    [TestMethod]
    public void ABrightnessShiftOnlyCostsLuminance()
    {
        // Rows above the centre at 0.6, below at 0.4: the symmetric window's weighted mean is exactly 0.5.
        // Adding 0.2 keeps variance and covariance equal, so the contrast-structure term is exactly 1.
        float[] x = RowStep(0.5f, 0.1f);
        float[] y = x.Select(v => v + 0.2f).ToArray();
        double c1 = StructuralSimilarity.C1;
        double expected = (2 * 0.5 * 0.7 + c1) / (0.5 * 0.5 + 0.7 * 0.7 + c1);

        Assert.AreEqual(expected, new StructuralSimilarity(Window).Compute(x, y), 1e-6);
    }

    [TestMethod]
    public void InvertingContrastUsesGaussianWeightedVariance()
    {
        // y = 1 - x: equal means (luminance 1), covariance = -variance, so SSIM = (C2 - 2 var) / (C2 + 2 var).
        // Every pixel but the centre row is 0.1 from the mean, so var = 0.01 (1 - g0), g0 the centre weight of the
        // 1-D Gaussian exp(-k^2 / (2 * 1.5^2)), k = -5..5, normalised. A uniform window would give var = 0.01 * 10/11.
        float[] x = RowStep(0.5f, 0.1f);
        float[] y = x.Select(v => 1 - v).ToArray();
        double g0 = 1 / Enumerable.Range(-5, 11).Sum(k => Math.Exp(-k * k / (2 * 1.5 * 1.5)));
        double variance = 0.01 * (1 - g0);
        double c2 = StructuralSimilarity.C2;
        double expected = (c2 - 2 * variance) / (c2 + 2 * variance);

        Assert.AreEqual(expected, new StructuralSimilarity(Window).Compute(x, y), 1e-5);
    }

    [TestMethod]
    public void SsimIsSymmetricAndBelowOneForDifferentFrames()
    {
        var shape = new FrameShape(14, 14);
        float[] x = RandomFrame(shape, seed: 1), y = RandomFrame(shape, seed: 2);
        var ssim = new StructuralSimilarity(shape);

        double forward = ssim.Compute(x, y);

        Assert.AreEqual(forward, ssim.Compute(y, x), 1e-12);
        Assert.IsLessThan(0.5, forward);
    }

    [TestMethod]
    public void PerFrameSsimAveragesTheFrames()
    {
        float[] frames = [.. Filled(Window, 0), .. Filled(Window, 0)];
        float[] other = [.. Filled(Window, 0), .. Filled(Window, 1)];
        double blackWhite = StructuralSimilarity.C1 / (1 + StructuralSimilarity.C1);

        Assert.AreEqual((1 + blackWhite) / 2, FrameMetrics.StructuralSimilarityPerFrame(frames, other, Window), 1e-12);
    }

    [TestMethod]
    public void FramesSmallerThanTheWindowAreRejected()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new StructuralSimilarity(new FrameShape(10, 64)));
        StringAssert.Contains(error.Message, "11x11");
        Assert.IsFalse(StructuralSimilarity.Supports(new FrameShape(1, 64)));
    }

    [TestMethod]
    public void WrongFrameLengthIsRejected()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new StructuralSimilarity(Window).Compute(new float[121], new float[120]));
        StringAssert.Contains(error.Message, "121");
    }

    private static float[] Filled(FrameShape shape, float value) => Enumerable.Repeat(value, shape.Size).ToArray();

    /// <summary>An 11 x 11 frame: rows above the centre at mean + step, the centre row at mean, rows below at mean - step.</summary>
    private static float[] RowStep(float mean, float step)
    {
        int size = StructuralSimilarity.WindowSize, centre = size / 2;
        var frame = new float[size * size];
        for (int row = 0; row < size; row++)
        {
            float value = mean + step * Math.Sign(centre - row);
            frame.AsSpan(row * size, size).Fill(value);
        }
        return frame;
    }

    private static float[] RandomFrame(FrameShape shape, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, shape.Size).Select(_ => random.NextSingle()).ToArray();
    }
}
