using System.Numerics;
using System.Runtime.InteropServices;

namespace LstmAe.Data;

/// <summary>Turns 8-bit pixels into the [0, 1] floats the model reads.</summary>
internal static class PixelScale
{
    /// <summary>
    /// Writes <c>raw[i] / 255f</c> to <c>destination[i]</c> for every i, bit for bit what that scalar division gives
    /// (a vector division rounds each lane as the scalar one does). Vectorised because files of 8-bit frames are
    /// decoded a whole sequence at a time, every value through here (docs/performance.md has the cost of scalar
    /// divisions).
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void ToUnitFloats(ReadOnlySpan<byte> raw, Span<float> destination)
    {
        if (raw.Length != destination.Length)
            throw new ArgumentException($"Expected {raw.Length} floats, got {destination.Length}.", nameof(destination));
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int bytes = Vector<byte>.Count, floats = Vector<float>.Count;
            var divisor = new Vector<float>(255f);
            ref byte source = ref MemoryMarshal.GetReference(raw);
            ref float target = ref MemoryMarshal.GetReference(destination);
            for (; index <= raw.Length - bytes; index += bytes)
            {
                Vector.Widen(Vector.LoadUnsafe(ref source, (nuint)index), out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> first, out Vector<uint> second);
                Vector.Widen(high, out Vector<uint> third, out Vector<uint> fourth);
                (Vector.ConvertToSingle(first) / divisor).StoreUnsafe(ref target, (nuint)index);
                (Vector.ConvertToSingle(second) / divisor).StoreUnsafe(ref target, (nuint)(index + floats));
                (Vector.ConvertToSingle(third) / divisor).StoreUnsafe(ref target, (nuint)(index + 2 * floats));
                (Vector.ConvertToSingle(fourth) / divisor).StoreUnsafe(ref target, (nuint)(index + 3 * floats));
            }
        }
        for (; index < raw.Length; index++)
            destination[index] = raw[index] / 255f;
    }
}
