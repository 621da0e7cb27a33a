namespace LstmAe.MLNet.Data;

/// <summary>How to load video sequences stored as a folder of frame images per sequence.</summary>
public sealed record FrameFolderOptions
{
    /// <summary>Rows of the frames produced; images of another size are resized.</summary>
    public int FrameHeight { get; init; } = 64;

    /// <summary>Columns of the frames produced; images of another size are resized.</summary>
    public int FrameWidth { get; init; } = 64;

    /// <summary>Frames per sequence. Null: every folder must hold the same number of frames, and all are used.
    /// Set: the first <c>FrameCount</c> frames of each folder are used, and a folder with fewer is an error.</summary>
    public int? FrameCount { get; init; }

    /// <summary>File extensions of frame images (case-insensitive); other files are ignored.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [".png", ".jpg", ".jpeg"];

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (FrameHeight < 1 || FrameWidth < 1)
        {
            throw new ArgumentException($"{nameof(FrameFolderOptions)}: the frame size must be positive, got {FrameHeight}x{FrameWidth}.", nameof(FrameHeight));
        }

        if (FrameCount < 1)
        {
            throw new ArgumentException($"{nameof(FrameFolderOptions)}.{nameof(FrameCount)} must be at least 1 when set, got {FrameCount}.", nameof(FrameCount));
        }

        if (Extensions is null || Extensions.Count == 0)
        {
            throw new ArgumentException($"{nameof(FrameFolderOptions)}.{nameof(Extensions)} must name at least one extension.", nameof(Extensions));
        }
    }
}
