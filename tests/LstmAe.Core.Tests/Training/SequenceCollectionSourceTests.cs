using LstmAe.Data;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Training;

[TestClass]
public sealed class SequenceCollectionSourceTests
{
    /// <summary>Sequence i holds the value i in every pixel; 3 frames of 2x2.</summary>
    private sealed class Numbered(int count) : ISequenceCollection
    {
        public string Description => $"{count} numbered sequences";
        public int Count => count;
        public int FrameCount => 3;
        public int FrameHeight => 2;
        public int FrameWidth => 2;
        public IReadOnlyList<string>? ClassNames => null;
        public void ReadSequence(int index, Span<float> destination) => destination.Fill(index);
        public int? Label(int index) => null;
        public void Dispose()
        {
        }
    }

    private static int[] Epoch(SequenceCollectionSource source, int epoch) => source.Read(epoch).Select(s => (int)s.Span[0]).ToArray();

    [TestMethod]
    public void EachEpochIsANewPermutationByIndexTheSameForTheSameSeed()
    {
        var data = new Numbered(50);
        var source = new SequenceCollectionSource(data, seed: 3);
        var again = new SequenceCollectionSource(data, seed: 3);

        int[] first = Epoch(source, 0), second = Epoch(source, 1);

        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), first);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), second);
        CollectionAssert.AreNotEqual(first, second, "epochs 0 and 1 have the same order");
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 50).ToArray(), first, "epoch 0 is not shuffled");
        CollectionAssert.AreEqual(first, Epoch(again, 0));
        CollectionAssert.AreEqual(second, Epoch(again, 1));
        CollectionAssert.AreEqual(EpochOrder.Shuffled(0, 50, 3, 1), second);
        CollectionAssert.AreNotEqual(first, Epoch(new SequenceCollectionSource(data, seed: 4), 0), "another seed gives the same order");
    }

    [TestMethod]
    public void RangeAndLeadingFramesAreServedAndValidationKeepsIndexOrder()
    {
        var validation = new SequenceCollectionSource(new Numbered(10), first: 7, count: 3, frames: 2, shuffle: false, seed: 0);

        Assert.AreEqual(2 * 2 * 2, validation.SequenceLength);
        int[] tail = [7, 8, 9];
        CollectionAssert.AreEqual(tail, Epoch(validation, 0));
        CollectionAssert.AreEqual(tail, Epoch(validation, 1));
        Assert.IsTrue(validation.Read(0).All(s => s.Length == 8));
    }

    [TestMethod]
    public void ARangeOutsideTheCollectionIsRefused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SequenceCollectionSource(new Numbered(10), 5, 6, 3, true, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SequenceCollectionSource(new Numbered(10), 0, 10, 4, true, 0));
    }

    [TestMethod]
    public void MovingMnistSequencesAreLabelledByTheirFirstDigit()
    {
        using var data = new MovingMnistSequences(new MovingMnistOptions { SequenceCount = 5, FrameCount = 2, FrameHeight = 32, FrameWidth = 32 });
        var generator = data.Generator;

        for (int i = 0; i < data.Count; i++)
        {
            Assert.AreEqual(generator.SampleMotions(i)[0].Label, data.Label(i));
            var frames = new float[data.SequenceLength()];
            data.ReadSequence(i, frames);
            CollectionAssert.AreEqual(generator.Generate(i), frames);
        }

        Assert.HasCount(10, data.ClassNames);
    }
}
