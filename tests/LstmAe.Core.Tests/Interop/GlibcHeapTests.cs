using LstmAe.Core.Tests.TestSupport;
using LstmAe.Interop;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Interop;

/// <summary>
/// While a training run lasts, glibc keeps freed large blocks instead of mapping fresh pages for each step; after
/// it, glibc maps large blocks again. Observed through glibc's own statistics: a block of over 32 MB is served by
/// <c>mmap</c> (counted in <c>hblkhd</c>) by default, and from the heap while blocks are retained.
/// </summary>
[TestClass]
public sealed class GlibcHeapTests
{
    [TestInitialize]
    public void RequireGlibc()
    {
        // GlibcMalloc reads mallinfo2, which glibc has since 2.33.
        if (!GlibcHeap.IsTunable || !GlibcMalloc.IsAvailable)
            Assert.Inconclusive("Not glibc 2.33 or later, or glibc's malloc variables are set in the environment.");
    }

    [TestMethod]
    public void LargeBlocksComeFromTheHeapOnlyWhileRetained()
    {
        Assert.IsTrue(GlibcMalloc.MapsLargeBlocks(), "By default glibc maps a block this large afresh.");

        using (GlibcHeap.RetainFreedBlocks())
        {
            Assert.IsTrue(GlibcHeap.IsRetaining);
            Assert.IsFalse(GlibcMalloc.MapsLargeBlocks(), "While retained, glibc serves it from the heap.");
        }

        Assert.IsFalse(GlibcHeap.IsRetaining);
        Assert.IsTrue(GlibcMalloc.MapsLargeBlocks(), "After the release glibc maps it again.");
        // Not glibc's starting thresholds (128 kB), which would map and trim far more than before training.
        Assert.IsFalse(GlibcMalloc.Maps(1 << 20), "After the release a 1 MB block comes from the heap.");
    }

    [TestMethod]
    public void OverlappingHoldersRestoreOnlyWhenTheLastReleases()
    {
        IDisposable first = GlibcHeap.RetainFreedBlocks()!;
        IDisposable second = GlibcHeap.RetainFreedBlocks()!;
        try
        {
            first.Dispose();
            first.Dispose(); // A second release of the same holder must not release the other one.
            Assert.IsTrue(GlibcHeap.IsRetaining);
            Assert.IsFalse(GlibcMalloc.MapsLargeBlocks());
        }
        finally
        {
            second.Dispose();
        }
        Assert.IsFalse(GlibcHeap.IsRetaining);
        Assert.IsTrue(GlibcMalloc.MapsLargeBlocks());
    }

    [TestMethod]
    [DataRow("MALLOC_TOP_PAD_", "0", false)]
    [DataRow("GLIBC_TUNABLES", "glibc.malloc.mmap_max=0", false)]
    [DataRow("GLIBC_TUNABLES", "glibc.cpu.x86_rep_movsb_threshold=4096", true)]
    public void AUsersMallocSettingIsLeftAlone(string variable, string value, bool tunable)
    {
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            Assert.AreEqual(tunable, GlibcHeap.IsTunable);
            using IDisposable? holder = GlibcHeap.RetainFreedBlocks();
            Assert.AreEqual(tunable, holder is not null);
            Assert.AreEqual(tunable, GlibcHeap.IsRetaining);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void TrainingRetainsFreedBlocksOnlyWhenAskedAndOnlyWhileItRuns(bool retain)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 2, RetainFreedNativeMemory = retain });
        var duringSteps = new List<bool>();

        trainer.Fit(TinyModels.Source(TinyModels.Options, 4),
            progress: new SynchronousProgress<TrainingProgress>(_ => duringSteps.Add(GlibcHeap.IsRetaining)));

        CollectionAssert.AreEqual(new[] { retain, retain }, duringSteps);
        Assert.IsFalse(GlibcHeap.IsRetaining);
    }
}
