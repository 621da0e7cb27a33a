namespace LstmAe.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose output function is a strong 64-bit mixer.
/// Seeding one instance per row from a hash of (seed, row) gives every row its own independent stream, so a row is
/// the same whatever order or thread it is generated in.
/// </summary>
internal struct SplitMix64
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15;
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for one row of a data set, seeded from a well-mixed hash of all the keys.</summary>
    public static SplitMix64 ForRow(int seed, int stream, long row) =>
        new(Mix(Mix(Mix((ulong)(uint)seed) ^ (ulong)(uint)stream) ^ (ulong)row));

    public ulong NextUInt64() => Mix(_state += GoldenGamma);

    /// <summary>Uniform on [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [0, <paramref name="maxExclusive"/>); multiply-shift (Lemire), bias below 2^-32.</summary>
    public int NextInt(int maxExclusive) => (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit mixer whose output bits all depend on every input
    /// bit. Shared with LstmAe.MLNet (InternalsVisibleTo), which hashes row ids with it.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
