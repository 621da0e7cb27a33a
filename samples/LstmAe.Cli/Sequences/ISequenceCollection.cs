namespace LstmAe.Cli.Sequences;

/// <summary>Sequences of grey frames with random access, whatever they are stored in.</summary>
internal interface ISequenceCollection : IDisposable
{
    /// <summary>Where the sequences come from, for messages.</summary>
    string Description { get; }

    /// <summary>Number of sequences.</summary>
    int Count { get; }

    /// <summary>Frames per sequence.</summary>
    int FrameCount { get; }

    /// <summary>Rows per frame.</summary>
    int FrameHeight { get; }

    /// <summary>Pixels per row.</summary>
    int FrameWidth { get; }

    /// <summary>Copies sequence <paramref name="index"/> (all its frames, time-major, pixels in [0, 1]).</summary>
    void Read(int index, Span<float> destination);
}
