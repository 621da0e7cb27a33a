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
