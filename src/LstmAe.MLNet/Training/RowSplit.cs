using LstmAe.Data;
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

    // A well-mixed hash of the 128-bit id and the seed, as a uniform value in [0, 1).
    private double UnitInterval(DataViewRowId id)
    {
        ulong x = SplitMix64.Mix(id.Low ^ SplitMix64.Mix(id.High ^ SplitMix64.Mix((ulong)(uint)seed)));
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
