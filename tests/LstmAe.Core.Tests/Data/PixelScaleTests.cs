using LstmAe.Data;

namespace LstmAe.Core.Tests.Data;

[TestClass]
public sealed class PixelScaleTests
{
    [TestMethod]
    public void EveryByteAtEveryPositionGivesTheScalarDivisionBitForBit()
    {
        // Lengths cover the scalar tail alone and several vector blocks (up to 64 bytes each); the longer spans hold
        // all 256 byte values (7 is prime to 256), at lane positions that shift with the offset.
        for (int length = 0; length <= 300; length += length < 70 ? 1 : 23)
        {
            for (int offset = 0; offset < 256; offset += 37)
            {
                byte[] raw = Enumerable.Range(0, length).Select(i => (byte)((i * 7) + offset)).ToArray();
                var scaled = new float[length];
                PixelScale.ToUnitFloats(raw, scaled);
                for (int i = 0; i < length; i++)
                {
                    float expected = raw[i] / 255f;
                    Assert.AreEqual(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(scaled[i]),
                        $"byte {raw[i]} at {i} of {length}");
                }
            }
        }
    }

    [TestMethod]
    public void TheEndsOfTheRangeAreExact()
    {
        byte[] raw = [.. Enumerable.Repeat((byte)0, 40), .. Enumerable.Repeat((byte)255, 40)];
        var scaled = new float[raw.Length];
        PixelScale.ToUnitFloats(raw, scaled);
        Assert.IsTrue(scaled[..40].All(v => v == 0f));
        Assert.IsTrue(scaled[40..].All(v => v == 1f));
    }

    [TestMethod]
    public void SpansOfDifferentLengthsAreRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => PixelScale.ToUnitFloats(new byte[4], new float[5]));
    }
}
