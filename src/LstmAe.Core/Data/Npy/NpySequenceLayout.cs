namespace LstmAe.Data;

/// <summary>Which of the first two axes of a 4-D (?, ?, height, width) array is time.</summary>
public enum NpySequenceLayout
{
    /// <summary>(frames, sequences, height, width), like the published <c>mnist_test_seq.npy</c> (20, 10000, 64, 64).</summary>
    TimeMajor,
    /// <summary>(sequences, frames, height, width), the layout most training code uses.</summary>
    BatchMajor,
}
