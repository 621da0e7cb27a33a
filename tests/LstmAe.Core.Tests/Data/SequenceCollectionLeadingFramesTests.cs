using LstmAe.Data;

namespace LstmAe.Core.Tests.Data;

[TestClass]
public sealed class SequenceCollectionLeadingFramesTests
{
    private static MovingMnistSequences Clips() =>
        new(new MovingMnistOptions { SequenceCount = 5, FrameCount = 6, FrameHeight = 32, FrameWidth = 32 });

    [TestMethod]
    public void EachSequenceIsItsFirstFramesWithTheSameLabel()
    {
        using var whole = Clips();
        using var leading = Clips().TakeFrames(4);
        int frame = 32 * 32;
        var full = new float[6 * frame];
        var part = new float[4 * frame];

        Assert.AreEqual(4, leading.FrameCount);
        Assert.AreEqual(5, leading.Count);
        StringAssert.EndsWith(leading.Description, "(their first 4 of 6 frames)");
        for (int i = 0; i < leading.Count; i++)
        {
            whole.ReadSequence(i, full);
            leading.ReadSequence(i, part);
            CollectionAssert.AreEqual(full[..(4 * frame)], part);
            Assert.AreEqual(whole.Label(i), leading.Label(i));
        }
    }

    [TestMethod]
    public void ReadsFromSeveralThreadsAtOnceStayApart()
    {
        using var whole = Clips();
        using var leading = Clips().TakeFrames(2);
        int length = leading.SequenceLength();

        var results = new float[200][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            results[k] = new float[length];
            leading.ReadSequence(k % leading.Count, results[k]);
        });

        var full = new float[whole.SequenceLength()];
        for (int k = 0; k < results.Length; k++)
        {
            whole.ReadSequence(k % whole.Count, full);
            CollectionAssert.AreEqual(full[..length], results[k], $"read {k}");
        }
    }

    [TestMethod]
    public void AllFramesOrNoneGivesTheCollectionItselfAndOtherCountsAreRefused()
    {
        using var clips = Clips();

        Assert.AreSame(clips, clips.TakeFrames(null));
        Assert.AreSame(clips, clips.TakeFrames(6));
        var above = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => clips.TakeFrames(7));
        StringAssert.Contains(above.Message, "have 6 frames per sequence; expected 1 to 6 frames to keep");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => clips.TakeFrames(0));
        using var leading = new SequenceCollectionLeadingFrames(Clips(), 3);
        Assert.ThrowsExactly<ArgumentException>(() => leading.ReadSequence(0, new float[6 * 32 * 32]));
    }
}
