using System.Numerics;
using System.Runtime.InteropServices;

namespace LstmAe.Interop;

/// <summary>
/// Rounds float32 values to bfloat16 bit patterns on the host as libtorch's cast does (round to nearest, ties to
/// even), so that a tensor filled here holds what <c>tensor.to(bfloat16)</c> would give, bit for bit for every
/// non-NaN value, without a float32 copy of the values in between. A NaN becomes a NaN (libtorch's payload differs
/// between its scalar and vector casts; the model never receives one).
/// </summary>
internal static class BFloat16Rounding
{
    private const ushort QuietNaN = 0x7FC0;

    /// <summary>Writes the bfloat16 bits of each of <paramref name="source"/>'s values to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void Round(ReadOnlySpan<float> source, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"Room for {destination.Length} values; {source.Length} to write.", nameof(destination));
        ReadOnlySpan<uint> bits = MemoryMarshal.Cast<float, uint>(source);
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<uint>.Count;
            var one = new Vector<uint>(1);
            var half = new Vector<uint>(0x7FFF);
            var quietNaN = new Vector<uint>(QuietNaN);
            for (; index <= bits.Length - 2 * width; index += 2 * width)
            {
                Vector<uint> low = RoundVector(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)index), one, half, quietNaN);
                Vector<uint> high = RoundVector(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(bits), (nuint)(index + width)), one, half, quietNaN);
                Vector.Narrow(low, high).StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)index);
            }
        }
        for (; index < bits.Length; index++)
            destination[index] = Round(bits[index]);
    }

    /// <summary>The bfloat16 bits of the float32 whose bits are <paramref name="bits"/>.</summary>
    public static ushort Round(uint bits) =>
        float.IsNaN(BitConverter.UInt32BitsToSingle(bits))
            ? QuietNaN
            : (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);

    /// <summary><see cref="Round(uint)"/> on a vector, the results in the low 16 bits of each element.</summary>
    private static Vector<uint> RoundVector(Vector<uint> bits, Vector<uint> one, Vector<uint> half, Vector<uint> quietNaN)
    {
        Vector<uint> rounded = (bits + half + ((bits >> 16) & one)) >> 16;
        Vector<float> values = bits.As<uint, float>();
        Vector<uint> notNaN = Vector.Equals(values, values).As<int, uint>();
        return Vector.ConditionalSelect(notNaN, rounded, quietNaN);
    }
}
