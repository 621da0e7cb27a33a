namespace LstmAe.MLNet.Data;

/// <summary>How to load video sequences stored as a folder of frame images per sequence.</summary>
public sealed record FrameFolderOptions
{
    /// <summary>Rows of the frames produced; images of another size are resized (area averaging when smaller).
    /// Null (default): the first frame's height (the first image of the first sequence, in natural order). Set both
    /// sizes or neither.</summary>
    public int? FrameHeight { get; init; }

    /// <summary>Columns of the frames produced; null (default): the first frame's width. See <see cref="FrameHeight"/>.</summary>
    public int? FrameWidth { get; init; }

    /// <summary>Frames per sequence. Null: every folder must hold the same number of frames, and all are used.
    /// Set: the first <c>FrameCount</c> frames of each folder are used, and a folder with fewer is an error.</summary>
    public int? FrameCount { get; init; }

    /// <summary>The default <see cref="MaxImagePixels"/>: 4096 x 4096.</summary>
    public const long DefaultMaxImagePixels = 4096L * 4096;

    /// <summary>
    /// The most pixels (width x height, as the image's header declares them) a frame image may have before it is
    /// resized: 4096 x 4096 (<see cref="DefaultMaxImagePixels"/>) unless set. Checked before the image is decoded,
    /// so a small file declaring a huge image (a "PNG bomb") is an <see cref="InvalidDataException"/> naming it
    /// instead of gigabytes of memory; a file larger than 8 bytes per allowed pixel plus 16 MiB is refused unread.
    /// Decoding one frame takes about 8 bytes per pixel. Raise it for larger source frames.
    /// </summary>
    public long MaxImagePixels { get; init; } = DefaultMaxImagePixels;

    /// <summary>File extensions of frame images (case-insensitive); other files are ignored.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [".png", ".jpg", ".jpeg"];

    /// <summary>
    /// Labels from a class folder level, the ImageFolder convention: <c>root/&lt;class&gt;/&lt;sequence&gt;/&lt;frames&gt;</c>.
    /// Each subfolder of the root is a class (its name the class name; classes in natural order) holding one subfolder
    /// per sequence; the <c>Name</c> column is <c>class/sequence</c>. False (default): the root's subfolders are the
    /// sequences and have no labels unless <see cref="LabelsPath"/> is set.
    /// </summary>
    public bool LabelsFromClassFolders { get; init; }

    /// <summary>A CSV file of <c>sequence,label</c> lines (an optional header line <c>sequence,label</c>), naming
    /// every sequence folder once. Null: no labels unless <see cref="LabelsFromClassFolders"/> is set.</summary>
    public string? LabelsPath { get; init; }

    /// <summary>The classes, in key order, when they must not be derived from the labels (e.g. so a test folder
    /// missing a class gets the training folder's keys). A label not in it is an error.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (FrameHeight is null != FrameWidth is null)
        {
            throw new ArgumentException(
                $"{nameof(FrameFolderOptions)}: set both {nameof(FrameHeight)} and {nameof(FrameWidth)}, or neither to take the first frame's size; got {(object?)FrameHeight ?? "null"}x{(object?)FrameWidth ?? "null"}.",
                nameof(FrameHeight));
        }

        if (FrameHeight < 1 || FrameWidth < 1)
        {
            throw new ArgumentException($"{nameof(FrameFolderOptions)}: the frame size must be positive, got {FrameHeight}x{FrameWidth}.", nameof(FrameHeight));
        }

        if (MaxImagePixels < 1)
        {
            throw new ArgumentException($"{nameof(FrameFolderOptions)}.{nameof(MaxImagePixels)} must be positive, got {MaxImagePixels}.", nameof(MaxImagePixels));
        }

        // A row holds every frame: its floats must fit one array.
        if ((long)(FrameHeight ?? 1) * (FrameWidth ?? 1) * (FrameCount ?? 1) > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{nameof(FrameFolderOptions)}: {FrameCount ?? 1} frames of {FrameHeight}x{FrameWidth} do not fit one array of at most {Array.MaxLength} floats.",
                nameof(FrameHeight));
        }

        if (FrameCount < 1)
        {
            throw new ArgumentException($"{nameof(FrameFolderOptions)}.{nameof(FrameCount)} must be at least 1 when set, got {FrameCount}.", nameof(FrameCount));
        }

        if (LabelsFromClassFolders && LabelsPath is not null)
        {
            throw new ArgumentException(
                $"{nameof(FrameFolderOptions)}: set either {nameof(LabelsFromClassFolders)} or {nameof(LabelsPath)} ('{LabelsPath}'), not both.",
                nameof(LabelsPath));
        }

        if (Extensions is null || Extensions.Count == 0)
        {
            throw new ArgumentException($"{nameof(FrameFolderOptions)}.{nameof(Extensions)} must name at least one extension.", nameof(Extensions));
        }
    }
}
