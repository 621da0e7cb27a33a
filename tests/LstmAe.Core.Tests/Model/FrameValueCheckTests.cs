using System.Globalization;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

[TestClass]
public sealed class FrameValueCheckTests
{
    [TestMethod]
    public void FindsTheFirstValueOutsideTheRangeCountingNaNAndInfinities()
    {
        Assert.AreEqual(-1, FrameValueCheck.IndexOfFirstOutside([0f, 0.5f, 1f], 0f, 1f));
        Assert.AreEqual(2, FrameValueCheck.IndexOfFirstOutside([0f, 1f, 1.5f, -1f], 0f, 1f));
        Assert.AreEqual(1, FrameValueCheck.IndexOfFirstOutside([0f, float.NaN, 2f], 0f, 1f));
        Assert.AreEqual(-1, FrameValueCheck.IndexOfFirstNonFinite([-3e38f, 0f, 3e38f]));
        Assert.AreEqual(1, FrameValueCheck.IndexOfFirstNonFinite([5f, float.NegativeInfinity, float.NaN]));
        Assert.AreEqual(2, FrameValueCheck.IndexOfFirstNonFinite([5f, 6f, float.NaN]));
        Assert.AreEqual(0, FrameValueCheck.IndexOfFirstNonFinite([float.PositiveInfinity]));
    }

    [TestMethod]
    public void FindsTheFirstOutsiderAtEveryPositionOfBlocksAndTails()
    {
        // Lengths and positions cover empty spans, the scalar tail, the first and later vector blocks, and an outsider
        // followed by another in the same or a later block: the vectorised scan must answer what a plain loop does.
        float[] outsiders = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1.0000001f, -1e-45f];
        var random = new Random(7);
        for (int length = 0; length <= 3 * 4 * 16 + 5; length++)
        {
            float[] values = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
            if (length > 1)
                (values[0], values[^1]) = (0f, 1f); // the bounds themselves are inside
            Assert.AreEqual(-1, FrameValueCheck.IndexOfFirstOutside(values, 0f, 1f), $"length {length}");
            for (int position = 0; position < length; position++)
            {
                float[] bad = (float[])values.Clone();
                bad[position] = outsiders[position % outsiders.Length];
                if (position + 7 < length)
                    bad[position + 7] = float.NaN;
                Assert.AreEqual(position, FrameValueCheck.IndexOfFirstOutside(bad, 0f, 1f), $"length {length}, {bad[position]} at {position}");
                if (float.IsFinite(bad[position]))
                    continue;
                Assert.AreEqual(position, FrameValueCheck.IndexOfFirstNonFinite(bad), $"length {length}, {bad[position]} at {position}");
            }
        }
    }

    [TestMethod]
    public void TakesSignedZeroAndSubnormalsAsTheirValues()
    {
        float[] values = new float[100];
        values[60] = -0f;
        values[61] = float.Epsilon;
        Assert.AreEqual(-1, FrameValueCheck.IndexOfFirstOutside(values, 0f, 1f));
        Assert.AreEqual(-1, FrameValueCheck.IndexOfFirstNonFinite([.. values, float.MaxValue, float.MinValue]));
        values[62] = -float.Epsilon;
        Assert.AreEqual(62, FrameValueCheck.IndexOfFirstOutside(values, 0f, 1f));
    }

    [TestMethod]
    public void DescribesFrameAndPixelWhateverTheCulture()
    {
        CultureInfo before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            float[] sequence = [0f, 0f, 0f, 0f, 0f, 1.5f];

            Assert.AreEqual("frame 2, pixel 1 is 1.5", FrameValueCheck.Describe(sequence, 5, frameSize: 2));
            Assert.AreEqual("-Infinity", FrameValueCheck.Format(float.NegativeInfinity));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
