using LstmAe.Data;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Data;

/// <summary>Rendering on several threads gives what one thread gives, and fresh clips never repeat the data set's.</summary>
[TestClass]
public sealed class MovingMnistParallelTests
{
    private static readonly MovingMnistOptions Small = new() { SequenceCount = 40, FrameCount = 4, Seed = 11 };

    [TestMethod]
    public void GeneratingRowsInParallelEqualsOneRowAtATimeForAnyThreadCount()
    {
        var generator = new MovingMnistGenerator(Small);
        float[] expected = Enumerable.Range(5, 30).SelectMany(row => generator.Generate((long)row)).ToArray();

        foreach (int threads in new[] { 1, 2, 3, -1 })
        {
            var frames = new float[30 * generator.SequenceLength];
            generator.Generate(5, 30, frames, threads);
            CollectionAssert.AreEqual(expected, frames, $"{threads} threads");
        }
    }

    [TestMethod]
    public void GeneratingRowsChecksTheRangeAndTheBuffer()
    {
        var generator = new MovingMnistGenerator(Small);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => generator.Generate(35, 6, new float[6 * generator.SequenceLength]));
        Assert.ThrowsExactly<ArgumentException>(() => generator.Generate(0, 2, new float[generator.SequenceLength]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => generator.Generate(0, 1, new float[generator.SequenceLength], 0));
    }

    [TestMethod]
    public void StreamClipsAreTheSameForAnyThreadCountAndUnlikeTheDataSetsRows()
    {
        var stream = new EndlessMovingMnist(Small);
        var one = new float[25 * stream.SequenceLength];
        var many = new float[25 * stream.SequenceLength];
        stream.Generate(1L << 40, 25, one, 1);
        stream.Generate(1L << 40, 25, many, -1);
        CollectionAssert.AreEqual(one, many);
        Assert.IsTrue(one.All(v => v is >= 0f and <= 1f));

        var rows = new float[10 * stream.SequenceLength];
        var clips = new float[10 * stream.SequenceLength];
        new MovingMnistGenerator(Small).Generate(0, 10, rows);
        stream.Generate(0, 10, clips);
        CollectionAssert.AreNotEqual(rows, clips, "the stream draws from its own random stream");
    }

    [TestMethod]
    public void FreshSourceServesNewClipsEveryEpochWhateverTheThreadCount()
    {
        var options = Small with { Split = DataSplit.Test };
        var serial = new FreshMovingMnistSource(options, sequencesPerEpoch: 150, maxDegreeOfParallelism: 1);
        var parallel = new FreshMovingMnistSource(options, sequencesPerEpoch: 150, maxDegreeOfParallelism: -1);
        Assert.AreEqual(150L, serial.CountWithoutReading(CancellationToken.None));

        float[][] epoch0 = Read(serial, 0), epoch1 = Read(serial, 1);
        Assert.HasCount(150, epoch0);
        for (int i = 0; i < epoch0.Length; i++) CollectionAssert.AreEqual(epoch0[i], Read(parallel, 0)[i], $"clip {i}");
        // Epoch 1 continues the stream where epoch 0 ended: clip 150 onwards, none seen before.
        var expected = new float[serial.SequenceLength];
        serial.Clips.Generate(150, 1, expected);
        CollectionAssert.AreEqual(expected, epoch1[0]);
        var seen = epoch0.Select(Key).ToHashSet();
        Assert.IsFalse(epoch1.Any(clip => seen.Contains(Key(clip))));
    }

    private static float[][] Read(FreshMovingMnistSource source, int epoch) => source.Read(epoch).Select(m => m.ToArray()).ToArray();

    private static string Key(float[] clip) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(clip.AsSpan())));
}
