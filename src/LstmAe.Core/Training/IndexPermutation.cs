using System.Numerics;
using LstmAe.Data;

namespace LstmAe.Training;

/// <summary>
/// A pseudo-random bijection of [0, <see cref="Count"/>), computed index by index in constant memory: a four-round
/// Feistel network keyed by a 64-bit key over the smallest power of four at least <see cref="Count"/>, with cycle
/// walking (a value outside the range is encrypted again until it falls inside, which keeps the map a bijection and
/// takes under four rounds on average, since the domain is less than four times the range). The same key gives
/// the same order in every process.
/// </summary>
internal sealed class IndexPermutation
{
    private const int Rounds = 4;
    private readonly ulong _key;
    private readonly int _halfBits;
    private readonly ulong _halfMask;

    /// <param name="count">Size of the range; positive.</param>
    /// <param name="key">Selects the permutation.</param>
    public IndexPermutation(long count, ulong key)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _key = key;
        // Each half holds at least one bit, so a range of one or two still has a two-way split.
        int bits = Math.Max(2, 64 - BitOperations.LeadingZeroCount((ulong)(count - 1)));
        _halfBits = (bits + 1) / 2;
        _halfMask = (1UL << _halfBits) - 1;
    }

    /// <summary>Size of the range.</summary>
    public long Count { get; }

    /// <summary>The element at <paramref name="index"/> of the permuted order.</summary>
    public long this[long index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            ulong value = (ulong)index;
            do
            {
                value = Encrypt(value);
            }
            while (value >= (ulong)Count);
            return (long)value;
        }
    }

    private ulong Encrypt(ulong value)
    {
        ulong left = value >> _halfBits, right = value & _halfMask;
        for (int round = 0; round < Rounds; round++)
        {
            ulong mixed = SplitMix64.Mix(_key ^ SplitMix64.Mix(right + ((ulong)round << 58)));
            (left, right) = (right, (left ^ mixed) & _halfMask);
        }

        return (left << _halfBits) | right;
    }
}
