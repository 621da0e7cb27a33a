using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

[TestClass]
public sealed class IndexPermutationTests
{
    [TestMethod]
    [DataRow(1L)]
    [DataRow(2L)]
    [DataRow(3L)]
    [DataRow(5L)]
    [DataRow(16L)]
    [DataRow(17L)]
    [DataRow(1000L)]
    [DataRow(4097L)]
    public void IsABijectionOfTheRange(long count)
    {
        var permutation = new IndexPermutation(count, key: 42);

        long[] values = Enumerable.Range(0, (int)count).Select(i => permutation[i]).ToArray();

        CollectionAssert.AreEquivalent(Enumerable.Range(0, (int)count).Select(i => (long)i).ToArray(), values);
    }

    [TestMethod]
    public void DependsOnlyOnTheKey()
    {
        long[] Order(ulong key) => Enumerable.Range(0, 1000).Select(i => new IndexPermutation(1000, key)[i]).ToArray();

        CollectionAssert.AreEqual(Order(7), Order(7));
        CollectionAssert.AreNotEqual(Order(7), Order(8));
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 1000).Select(i => (long)i).ToArray(), Order(7));
    }

    [TestMethod]
    public void AnEpochOfTwoBillionSequencesStartsWithoutMaterialisingItsOrder()
    {
        // --sequences 2000000000 held one int per sequence (8 GB) before the first step.
        long before = GC.GetAllocatedBytesForCurrentThread();
        int[] start = EpochOrder.Indices(first: 5, count: 2_000_000_000, seed: 3, epoch: 1).Take(1000).ToArray();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.IsLessThan(1L << 20, allocated);
        Assert.IsTrue(start.All(i => i is >= 5 and < 2_000_000_005));
        Assert.HasCount(1000, start.Distinct());
        CollectionAssert.AreEqual(start, EpochOrder.Indices(5, 2_000_000_000, seed: 3, epoch: 1).Take(1000).ToArray());
        CollectionAssert.AreNotEqual(start, EpochOrder.Indices(5, 2_000_000_000, seed: 3, epoch: 2).Take(1000).ToArray());
    }

    [TestMethod]
    public void SmallRangesKeepTheirEarlierOrderAndLargeOnesAreNotShuffledAsArrays()
    {
        CollectionAssert.AreEqual(EpochOrder.Shuffled(10, 8, seed: 3, epoch: 1), EpochOrder.Indices(10, 8, seed: 3, epoch: 1).ToArray());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => EpochOrder.Shuffled(0, EpochOrder.MaterializedLimit + 1, seed: 0, epoch: 0));
    }
}
