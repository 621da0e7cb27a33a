namespace LstmAe.Training;

/// <summary>
/// The order in which a sequence source serves its items in one epoch: a shuffle that depends only on the seed and
/// the epoch number, so every process (and a resumed run) sees the same minibatches.
/// </summary>
public static class EpochOrder
{
    private const int EpochMultiplier = 1_000_003; // a prime, so nearby (seed, epoch) pairs give distinct seeds

    /// <summary>The indices <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> - 1,
    /// shuffled for <paramref name="epoch"/>.</summary>
    /// <param name="first">First index.</param>
    /// <param name="count">Number of indices.</param>
    /// <param name="seed">Seed of the order.</param>
    /// <param name="epoch">Epoch number; each epoch has its own order.</param>
    public static int[] Shuffled(int first, int count, int seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int[] order = Enumerable.Range(first, count).ToArray();
        // Not HashCode.Combine: it is randomised per process, which made runs differ from one process to the next.
        new Random(unchecked((seed * EpochMultiplier) + epoch)).Shuffle(order);
        return order;
    }
}
