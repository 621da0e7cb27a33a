using LstmAe.MLNet.Data;

namespace LstmAe.MLNet.Tests.Data;

[TestClass]
public sealed class FrameResamplerTests
{
    [TestMethod]
    public void ShrinkingAveragesTheCoveredPixels()
    {
        float[] source = [
            1, 3, 0, 0,
            5, 7, 0, 4,
            2, 2, 9, 9,
            2, 2, 9, 9];
        var destination = new float[4];

        new FrameResampler(4, 4, 2, 2).Resample(source, destination);

        float[] expected = [4, 1, 2, 9];
        CollectionAssert.AreEqual(expected, destination);
    }

    [TestMethod]
    public void ShrinkingByANonIntegerFactorWeighsPartialPixelsByOverlap()
    {
        float[] source = [0, 3, 6];
        var destination = new float[2];

        new FrameResampler(1, 3, 1, 2).Resample(source, destination);

        // Output 0 covers [0, 1.5): 0 and half of 3; output 1 covers [1.5, 3): half of 3 and 6.
        float[] expected = [1f, 5f];
        CollectionAssert.AreEqual(expected, destination);
    }

    [TestMethod]
    public void EnlargingInterpolatesBetweenPixelCentres()
    {
        float[] source = [0, 1];
        var destination = new float[4];

        new FrameResampler(1, 2, 1, 4).Resample(source, destination);

        float[] expected = [0f, 0.25f, 0.75f, 1f];
        CollectionAssert.AreEqual(expected, destination);
    }

    [TestMethod]
    public void SameSizeIsTheIdentity()
    {
        float[] source = Enumerable.Range(0, 12).Select(i => i / 11f).ToArray();
        var destination = new float[12];

        new FrameResampler(3, 4, 3, 4).Resample(source, destination);

        CollectionAssert.AreEqual(source, destination);
    }
}
