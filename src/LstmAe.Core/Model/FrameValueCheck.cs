using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LstmAe.Model;

/// <summary>
/// Finds values a model must not see (NaN, infinities, or pixels outside [0, 1]) in flat frame data and words the
/// error, the same way for every entry point: inference, training and the ML.NET columns.
/// </summary>
internal static class FrameValueCheck
{
    /// <summary>The index of the first value outside [<paramref name="min"/>, <paramref name="max"/>], or -1. NaN is
    /// outside every range.</summary>
    /// <remarks>Every frame of every batch passes here, so the scan is vectorised: .NET's own
    /// <c>IndexOfAnyExceptInRange</c> compares floats one at a time (docs/performance.md).</remarks>
    public static int IndexOfFirstOutside(ReadOnlySpan<float> values, float min, float max)
    {
        int index = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count, block = 4 * width;
            var low = new Vector<float>(min);
            var high = new Vector<float>(max);
            ref float first = ref MemoryMarshal.GetReference(values);
            // Blocks of four vectors; the first block holding an outsider is searched value by value below.
            for (; index <= values.Length - block; index += block)
            {
                Vector<int> inside = Inside(Vector.LoadUnsafe(ref first, (nuint)index), low, high)
                    & Inside(Vector.LoadUnsafe(ref first, (nuint)(index + width)), low, high)
                    & Inside(Vector.LoadUnsafe(ref first, (nuint)(index + 2 * width)), low, high)
                    & Inside(Vector.LoadUnsafe(ref first, (nuint)(index + 3 * width)), low, high);
                if (inside != Vector<int>.AllBitsSet)
                    break;
            }
        }
        for (; index < values.Length; index++)
        {
            if (!(values[index] >= min && values[index] <= max))
                return index;
        }
        return -1;
    }

    /// <summary>The index of the first NaN or infinite value, or -1.</summary>
    public static int IndexOfFirstNonFinite(ReadOnlySpan<float> values) =>
        IndexOfFirstOutside(values, float.MinValue, float.MaxValue);

    /// <summary>All bits set where <paramref name="low"/> &lt;= value &lt;= <paramref name="high"/>; a NaN fails both
    /// comparisons.</summary>
    private static Vector<int> Inside(Vector<float> values, Vector<float> low, Vector<float> high) =>
        Vector.GreaterThanOrEqual(values, low) & Vector.LessThanOrEqual(values, high);

    /// <summary>"frame 2, pixel 17 is NaN": where value <paramref name="index"/> of a sequence sits, and what it
    /// is, culture-invariant.</summary>
    public static string Describe(ReadOnlySpan<float> sequence, int index, int frameSize) =>
        $"frame {index / frameSize}, pixel {index % frameSize} is {Format(sequence[index])}";

    /// <summary>The value as a message shows it, whatever the current culture ("1.5", "NaN", "-Infinity").</summary>
    public static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
