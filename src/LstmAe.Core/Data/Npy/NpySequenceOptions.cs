namespace LstmAe.Data;

/// <summary>How to read a 4-D .npy array of video sequences.</summary>
public sealed record NpySequenceOptions
{
    /// <summary>Axis order of the array. Default: time-major, the layout of <c>mnist_test_seq.npy</c>.</summary>
    public NpySequenceLayout Layout { get; init; } = NpySequenceLayout.TimeMajor;

    /// <summary>Which sequences to expose; the split is by position along the sequence axis.</summary>
    public DataSplit Split { get; init; } = DataSplit.All;

    /// <summary>Sequences [0, TrainSequenceCount) are the training part, the rest the test part. 9,000 of the
    /// published file's 10,000 is the PyTorch tutorial's split.</summary>
    public int TrainSequenceCount { get; init; } = 9_000;
}
