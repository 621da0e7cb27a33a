using LstmAe.Data;

namespace LstmAe.Cli.Sequences;

/// <summary>Sequences of a 4-D .npy video array, such as the published <c>mnist_test_seq.npy</c>.</summary>
internal sealed class NpySequences(NpySequenceFile file, int? limit) : ISequenceCollection
{
    public string Description => $"{Count} sequences of '{file.Path}'";

    public int Count => Math.Min(file.SequenceCount, limit ?? int.MaxValue);

    public int FrameCount => file.FrameCount;

    public int FrameHeight => file.FrameHeight;

    public int FrameWidth => file.FrameWidth;

    public void Read(int index, Span<float> destination) => file.ReadSequence(index, destination);

    public void Dispose() => file.Dispose();
}
