using System.Globalization;

namespace LstmAe.Model;

/// <summary>
/// Finds values a model must not see (NaN, infinities, or pixels outside [0, 1]) in flat frame data and words the
/// error, the same way for every entry point: inference, training and the ML.NET columns.
/// </summary>
internal static class FrameValueCheck
{
    /// <summary>The index of the first value outside [<paramref name="min"/>, <paramref name="max"/>], or -1. NaN is
    /// outside every range.</summary>
    public static int IndexOfFirstOutside(ReadOnlySpan<float> values, float min, float max) =>
        values.IndexOfAnyExceptInRange(min, max);

    /// <summary>The index of the first NaN or infinite value, or -1.</summary>
    public static int IndexOfFirstNonFinite(ReadOnlySpan<float> values) =>
        IndexOfFirstOutside(values, float.MinValue, float.MaxValue);

    /// <summary>"frame 2, pixel 17 is NaN": where value <paramref name="index"/> of a sequence sits, and what it
    /// is, culture-invariant.</summary>
    public static string Describe(ReadOnlySpan<float> sequence, int index, int frameSize) =>
        $"frame {index / frameSize}, pixel {index % frameSize} is {Format(sequence[index])}";

    /// <summary>The value as a message shows it, whatever the current culture ("1.5", "NaN", "-Infinity").</summary>
    public static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
