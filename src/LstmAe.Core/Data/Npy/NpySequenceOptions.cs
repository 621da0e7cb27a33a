namespace LstmAe.Data;

/// <summary>How to read a 4-D .npy array of video sequences.</summary>
public sealed record NpySequenceOptions
{
    /// <summary>Axis order of the array. Default: time-major, the layout of <c>mnist_test_seq.npy</c>.</summary>
    public NpySequenceLayout Layout { get; init; } = NpySequenceLayout.TimeMajor;

    /// <summary>Null (the default): every frame of each sequence. Set: its first <c>FrameCount</c> frames, e.g. 10 of
    /// a 20-frame file for a model that reads 10; more than the file holds, or fewer than 1, is refused.</summary>
    public int? FrameCount { get; init; }

    /// <summary>Which sequences to expose; the split is by position along the sequence axis.</summary>
    public DataSplit Split { get; init; } = DataSplit.All;

    /// <summary>Sequences [0, TrainSequenceCount) are the training part, the rest the test part. 9,000 of the
    /// published file's 10,000 is the PyTorch tutorial's split.</summary>
    public int TrainSequenceCount { get; init; } = 9_000;

    /// <summary>A file with one class label per sequence of the whole file (before the split), in order: an .npy
    /// array of integers, an IDX label file, or text/CSV (see <see cref="SequenceLabelFile"/>). Null: no labels.
    /// A count that differs from the file's sequences is an <see cref="InvalidDataException"/> naming both files.</summary>
    public string? LabelsPath { get; init; }

    /// <summary>The largest .npy (header and data) a gzip file may decompress to, in bytes; the temporary copy must
    /// also fit the free space of the temporary folder's drive less 256 MiB. A larger declared size is refused
    /// before anything is written. Default: 16 GiB.</summary>
    public long MaxDecompressedBytes { get; init; } = DefaultMaxDecompressedBytes;

    /// <summary>The default of <see cref="MaxDecompressedBytes"/>: 16 GiB.</summary>
    public const long DefaultMaxDecompressedBytes = 16L << 30;

    /// <summary>How to read <see cref="LabelsPath"/> (CSV column, fixed classes); null for the defaults.</summary>
    public SequenceLabelOptions? LabelOptions { get; init; }
}
