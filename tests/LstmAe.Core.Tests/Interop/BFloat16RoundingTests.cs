using System.Runtime.InteropServices;
using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Interop;

/// <summary>Rounding to bfloat16 on the host gives libtorch's cast bit for bit: ties to even, carries into the
/// exponent, overflow to infinity, subnormals, signed zeros and NaN, on the vector path and the scalar tail.</summary>
[TestClass]
public sealed class BFloat16RoundingTests
{
    [TestMethod]
    public void MatchesLibtorchsCastOnEdgeCases()
    {
        uint[] bits =
        [
            0x3F800000, // 1
            0x3F808000, // a tie, even below: stays
            0x3F818000, // a tie, odd below: rounds up
            0x3F807FFF, 0x3F808001, // just below and above a tie
            0x3F7FFFFF, // rounds up into the next exponent
            0x7F7FFFFF, // float.MaxValue: rounds to infinity
            0x7F7F7FFF, // largest value that stays finite
            0x7F800000, 0xFF800000, // infinities
            0x00000001, 0x00008000, 0x00018000, 0x807FFFFF, // subnormals
            0x00000000, 0x80000000, // signed zeros
            0x7FC00000, 0x7F800001, 0xFFFFFFFF, // NaNs, one of them signalling
            0xBF818000, 0xC2C80000, // negatives
        ];
        float[] cases = bits.Select(BitConverter.UInt32BitsToSingle).ToArray();
        // At every offset in a longer array, so each case meets every lane of the vector path and the scalar tail.
        for (int offset = 0; offset <= 64; offset++)
        {
            float[] values = new float[offset + cases.Length + 64];
            cases.CopyTo(values, offset);
            AssertMatchesCast(values);
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(31)]
    [DataRow(64)]
    [DataRow(1001)]
    public void MatchesLibtorchsCastOnRandomValuesOfAnyLength(int length)
    {
        var random = new Random(length);
        // Random bit patterns cover every exponent; pixel-like values cover [0, 1] densely.
        float[] values = Enumerable.Range(0, length)
            .Select(i => i % 2 == 0 ? BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)) : random.NextSingle())
            .ToArray();
        AssertMatchesCast(values);
    }

    [TestMethod]
    public void RefusesAShortDestination() =>
        Assert.ThrowsExactly<ArgumentException>(() => BFloat16Rounding.Round([1f, 2f], new ushort[1]));

    private static void AssertMatchesCast(float[] values)
    {
        using var scope = NewDisposeScope();
        ushort[] expected = MemoryMarshal.Cast<byte, ushort>(tensor(values).to(ScalarType.BFloat16).bytes).ToArray();
        var actual = new ushort[values.Length];
        BFloat16Rounding.Round(values, actual);
        for (int i = 0; i < values.Length; i++)
        {
            ushort want = expected[i];
            // Any NaN is a NaN: libtorch's quiet NaN keeps no payload, nor does ours, but compare by class to be safe.
            if (float.IsNaN(values[i]))
                Assert.IsTrue((actual[i] & 0x7F80) == 0x7F80 && (actual[i] & 0x7F) != 0, $"value {i} (NaN) gave {actual[i]:X4}");
            else
                Assert.AreEqual(want, actual[i], $"value {i}: {values[i]:R} (bits {BitConverter.SingleToUInt32Bits(values[i]):X8})");
        }
    }
}
