using LstmAe.MLNet.Data;

namespace LstmAe.MLNet.Tests.Data;

[TestClass]
public sealed class RowScheduleTests
{
    [TestMethod]
    public void AShuffledScheduleOverTwoBillionRowsIsNotAnArray()
    {
        // One int per row was 8 GB before the first row was served.
        long before = GC.GetAllocatedBytesForCurrentThread();
        RowSchedule[] schedules = RowSchedule.Create(2_000_000_000, cursorCount: 2, new Random(1));
        int[] rows = Enumerable.Range(0, 64).SelectMany(p => schedules.Select(s => s.RowAt(p))).ToArray();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.IsLessThan(1L << 20, allocated);
        Assert.IsTrue(rows.All(r => r is >= 0 and < 2_000_000_000));
        Assert.HasCount(rows.Length, rows.Distinct());
    }

    [TestMethod]
    public void ASmallShuffledScheduleVisitsEveryRowOnce()
    {
        RowSchedule[] schedules = RowSchedule.Create(100, cursorCount: 3, new Random(1));

        int[] rows = schedules.SelectMany(s => Enumerable.Range(0, 100).Select(p => s.RowAt(p)).Where(r => r >= 0)).ToArray();

        CollectionAssert.AreEquivalent(Enumerable.Range(0, 100).ToArray(), rows);
    }
}
