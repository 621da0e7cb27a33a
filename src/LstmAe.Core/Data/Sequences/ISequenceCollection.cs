namespace LstmAe.Data;

/// <summary>
/// Sequences of grey frames with random access, whatever they are stored in (generated, an .npy file, folders of
/// images), each optionally with a class label. The one abstraction the data views, the trainer's source and the
/// CLI read from.
/// </summary>
/// <remarks>Implementations are thread-safe: <see cref="ReadSequence"/> and <see cref="Label"/> may be called from
/// several threads at once, for any index in any order.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "A collection of sequences, by index; not an ICollection but named for what it holds.")]
public interface ISequenceCollection : IDisposable
{
    /// <summary>Where the sequences come from, for messages (e.g. "500 sequences of 'clips.npy'").</summary>
    string Description { get; }

    /// <summary>Number of sequences.</summary>
    int Count { get; }

    /// <summary>Frames per sequence.</summary>
    int FrameCount { get; }

    /// <summary>Rows per frame.</summary>
    int FrameHeight { get; }

    /// <summary>Pixels per row.</summary>
    int FrameWidth { get; }

    /// <summary>Names of the classes, in class-index order; null when the sequences have no labels.</summary>
    IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Copies sequence <paramref name="index"/>: FrameCount x FrameHeight x FrameWidth floats, time-major,
    /// each frame row-major, pixels in [0, 1] for image sources.</summary>
    /// <param name="index">In [0, <see cref="Count"/>).</param>
    /// <param name="destination">Exactly FrameCount x FrameHeight x FrameWidth floats.</param>
    void ReadSequence(int index, Span<float> destination);

    /// <summary>The class of sequence <paramref name="index"/>, an index into <see cref="ClassNames"/>; null when
    /// the sequences have no labels.</summary>
    /// <param name="index">In [0, <see cref="Count"/>).</param>
    int? Label(int index);
}
