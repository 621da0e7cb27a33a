using Microsoft.ML.Data;

namespace LstmAe.MLNet.Training;

/// <summary>
/// A deterministic split of rows into training and validation by a hash of each row's id, so a fraction can be
/// held out without materialising or counting the data, and a row stays on its side whatever the cursor order.
/// </summary>
internal sealed class RowSplit(double validationFraction, int seed)
{
    /// <summary>Fraction of rows on the validation side.</summary>
    public double ValidationFraction { get; } = validationFraction is >= 0 and < 1
        ? validationFraction
        : throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Must be in [0, 1).");

    /// <summary>True when the row with <paramref name="id"/> is held out for validation.</summary>
    public bool IsValidation(DataViewRowId id) => ValidationFraction > 0 && UnitInterval(id) < ValidationFraction;

    // SplitMix64 finaliser over the 128-bit id and the seed: a uniform value in [0, 1).
    private double UnitInterval(DataViewRowId id)
    {
        ulong x = id.Low ^ (id.High * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)seed << 32);
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
