using LstmAe.Data;

namespace LstmAe.Training;

/// <summary>
/// The order in which a sequence source serves its items in one epoch: a shuffle that depends only on the seed and
/// the epoch number, so every process (and a resumed run) sees the same minibatches.
/// </summary>
public static class EpochOrder
{
    /// <summary>
    /// The largest range <see cref="Indices"/> shuffles as an array: 2^24 items (64 MiB of indices). Larger ranges
    /// are permuted index by index in constant memory, so a run over two billion generated sequences does not first
    /// allocate 8 GB for its order.
    /// </summary>
    public const int MaterializedLimit = 1 << 24;

    private const int EpochMultiplier = 1_000_003; // a prime, so nearby (seed, epoch) pairs give distinct seeds

    /// <summary>The indices <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> - 1,
    /// shuffled for <paramref name="epoch"/>.</summary>
    /// <param name="first">First index.</param>
    /// <param name="count">Number of indices.</param>
    /// <param name="seed">Seed of the order.</param>
    /// <param name="epoch">Epoch number; each epoch has its own order.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative or above
    /// <see cref="MaterializedLimit"/>: use <see cref="Indices"/>.</exception>
    public static int[] Shuffled(int first, int count, int seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaterializedLimit);
        int[] order = Enumerable.Range(first, count).ToArray();
        // Not HashCode.Combine: it is randomised per process, and the order must be the same in every process.
        new Random(unchecked((seed * EpochMultiplier) + epoch)).Shuffle(order);
        return order;
    }

    /// <summary>
    /// The same indices in the same order as <see cref="Shuffled"/> for up to <see cref="MaterializedLimit"/> of
    /// them (so a run's order does not depend on which of the two was called); above that, a keyed permutation computed as it is enumerated
    /// (<see cref="IndexPermutation"/>), in constant memory. Either way it depends only on the seed and the epoch.
    /// </summary>
    /// <param name="first">First index.</param>
    /// <param name="count">Number of indices.</param>
    /// <param name="seed">Seed of the order.</param>
    /// <param name="epoch">Epoch number; each epoch has its own order.</param>
    public static IEnumerable<int> Indices(int first, int count, int seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count <= MaterializedLimit ? Shuffled(first, count, seed, epoch) : Permuted(first, count, seed, epoch);
    }

    private static IEnumerable<int> Permuted(int first, int count, int seed, int epoch)
    {
        var permutation = new IndexPermutation(count, SplitMix64.Mix(((ulong)(uint)seed << 32) | (uint)epoch));
        for (long i = 0; i < count; i++)
        {
            yield return first + (int)permutation[i];
        }
    }
}
