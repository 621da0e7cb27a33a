using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Training;

/// <summary>The host side of every training batch: the reused buffer, the checked view over it, and the host tensor
/// that must outlive the buffer's next batch.</summary>
[TestClass]
public sealed class MinibatchReaderTests
{
    private static readonly LstmAutoEncoderModelOptions Options = TinyModels.Options;

    [TestMethod]
    public void HostTensorsHoldTheirBatchAfterTheBufferMovesOn()
    {
        float[] sequences = TinyModels.Sequences(Options, 5);
        var reader = new MinibatchReader(new InMemorySequenceSource(sequences, Options.FullSequenceLength, shuffle: false),
            Options, batchSize: 2, new Device("cpu"), "test");
        var hosts = new List<Tensor>();
        try
        {
            foreach (BufferedMinibatch minibatch in reader.Read(0))
                hosts.Add(reader.ToHostTensor(minibatch, pinned: false));

            // Batches of 2, 2 and 1, each still the sequences it was made from once the buffer holds the last batch.
            CollectionAssert.AreEqual(new long[] { 2, 2, 1 }, hosts.Select(h => h.shape[0]).ToArray());
            float[] read = hosts.SelectMany(h => h.data<float>().ToArray()).ToArray();
            CollectionAssert.AreEqual(sequences, read);
            Assert.IsTrue(hosts.All(h => h.is_contiguous()));
            CollectionAssert.AreEqual(new long[] { 1, Options.InputFrames + Options.FutureFrames, Options.FrameSize }, hosts[2].shape);
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    [TestMethod]
    public void TheCheckedViewIsTheBufferItselfShapedToTheBatch()
    {
        float[] sequences = TinyModels.Sequences(Options, 3);
        int length = Options.FullSequenceLength;
        var reader = new MinibatchReader(new InMemorySequenceSource(sequences, length, shuffle: false),
            Options, batchSize: 2, new Device("cpu"), "test");
        using IEnumerator<BufferedMinibatch> batches = reader.Read(0).GetEnumerator();

        Assert.IsTrue(batches.MoveNext());
        using Tensor first = reader.CheckedView(batches.Current);
        CollectionAssert.AreEqual(new long[] { 2, Options.InputFrames + Options.FutureFrames, Options.FrameSize }, first.shape);
        CollectionAssert.AreEqual(sequences[..(2 * length)], first.data<float>().ToArray());

        // No copy: once the reader moves on, the same memory holds the next (partial) batch.
        Assert.IsTrue(batches.MoveNext());
        CollectionAssert.AreEqual(sequences[(2 * length)..], first.data<float>().ToArray()[..length]);
        using Tensor second = reader.CheckedView(batches.Current);
        CollectionAssert.AreEqual(new long[] { 1, Options.InputFrames + Options.FutureFrames, Options.FrameSize }, second.shape);
        CollectionAssert.AreEqual(sequences[(2 * length)..], second.data<float>().ToArray());
    }

    [TestMethod]
    public void ABadValueIsNamedWithItsSequenceFrameAndPixel()
    {
        float[] sequences = TinyModels.Sequences(Options, 4);
        int length = Options.FullSequenceLength;
        sequences[(3 * length) + Options.FrameSize + 2] = float.PositiveInfinity;
        var reader = new MinibatchReader(new InMemorySequenceSource(sequences, length, shuffle: false),
            Options, batchSize: 2, new Device("cpu"), "test");
        BufferedMinibatch second = reader.Read(0).Skip(1).First();
        var error = Assert.ThrowsExactly<ArgumentException>(() => reader.ToHostTensor(second, pinned: false));

        StringAssert.Contains(error.Message, "Sequence 3 of epoch 0: frame 1, pixel 2 is Infinity");
    }
}
