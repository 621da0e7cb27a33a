using LstmAe.Data;
using LstmAe.IO;

namespace LstmAe.MLNet.Data;

/// <summary>
/// Videos stored as folders of frame images, as an <see cref="ISequenceCollection"/>: one sequence per folder (see
/// <see cref="FrameSequenceFolder.Scan"/>), frames decoded to grayscale and resized when read, with labels from a
/// class folder level or a CSV file when <see cref="FrameFolderOptions"/> asks for them. Thread-safe.
/// </summary>
public sealed class FrameFolderSequences : ISequenceCollection
{
    private readonly FrameSequenceFolder[] _folders;
    private readonly FrameFolderOptions _options;
    private readonly SequenceLabels? _labels;

    private FrameFolderSequences(string root, FrameSequenceFolder[] folders, FrameFolderOptions options, SequenceLabels? labels)
    {
        Root = root;
        _folders = folders;
        _options = options;
        _labels = labels;
        Names = folders.Select(f => f.Name).ToArray();
        (FrameHeight, FrameWidth) = options.FrameHeight is { } height
            ? (height, options.FrameWidth!.Value)
            : GrayscaleImageReader.ReadSize(folders[0].FramePaths[0], options.MaxImagePixels);
        if ((long)FrameHeight * FrameWidth * FrameCount > Array.MaxLength)
        {
            string size = options.FrameHeight is null
                ? $"the size of '{folders[0].FramePaths[0]}'; set {nameof(FrameFolderOptions)}.{nameof(FrameFolderOptions.FrameHeight)} and {nameof(FrameFolderOptions.FrameWidth)} to resize them"
                : $"as {nameof(FrameFolderOptions)} sets; resize them to fewer pixels or take fewer ({nameof(FrameFolderOptions.FrameCount)})";
            throw new InvalidDataException(
                $"{FrameCount} frames of {FrameHeight}x{FrameWidth} ({size}) do not fit one array of at most {Array.MaxLength} floats.");
        }
    }

    /// <summary>Finds the sequences (and labels) under <paramref name="root"/>.</summary>
    /// <param name="root">The folder holding one subfolder per sequence, or per class with <see cref="FrameFolderOptions.LabelsFromClassFolders"/>.</param>
    /// <param name="options">Frame size, frame count, extensions and labels; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="root"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="root"/> is empty, or an option is out of range.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The labels file (<see cref="FrameFolderOptions.LabelsPath"/>) does not
    /// exist.</exception>
    /// <exception cref="InvalidDataException">No sequences, frame counts that disagree, or labels that do not match
    /// the sequences; the message names the folder (and the labels file). Without a frame size set: the first frame's
    /// header cannot be read or declares more than <see cref="FrameFolderOptions.MaxImagePixels"/> pixels (the message
    /// names the file).</exception>
    public static FrameFolderSequences Open(string root, FrameFolderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        options ??= new FrameFolderOptions();
        options.Validate();
        if (options.LabelsFromClassFolders)
        {
            (FrameSequenceFolder[] folders, SequenceLabels labels) = ScanClasses(root, options);
            return new FrameFolderSequences(root, folders, options, labels);
        }

        FrameSequenceFolder[] sequences = FrameSequenceFolder.Scan(root, options);
        SequenceLabels? csv = options.LabelsPath is { } path ? ReadCsv(path, root, sequences, options) : null;
        return new FrameFolderSequences(root, sequences, options, csv);
    }

    /// <summary>The folder the sequences were found in.</summary>
    public string Root { get; }

    /// <summary>Each sequence's folder name (<c>class/sequence</c> with class folders).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <inheritdoc/>
    public string Description => $"{Count} frame sequences in '{Root}'";

    /// <inheritdoc/>
    public int Count => _folders.Length;

    /// <inheritdoc/>
    public int FrameCount => _folders[0].FramePaths.Length;

    /// <inheritdoc/>
    public int FrameHeight { get; }

    /// <inheritdoc/>
    public int FrameWidth { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string>? ClassNames => _labels?.ClassNames;

    /// <inheritdoc/>
    public int? Label(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _labels?[index];
    }

    /// <summary>Decodes the frames of sequence <paramref name="index"/>.</summary>
    /// <exception cref="InvalidDataException">An image is not PNG, JPEG, GIF, BMP or WebP, is damaged, or declares
    /// more than <see cref="FrameFolderOptions.MaxImagePixels"/> pixels; the message names the file.</exception>
    public void ReadSequence(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int frameSize = checked(FrameHeight * FrameWidth);
        string[] paths = _folders[index].FramePaths;
        if (destination.Length != paths.Length * frameSize)
        {
            throw new ArgumentException($"Expected {paths.Length * frameSize} floats, got {destination.Length}.", nameof(destination));
        }

        FrameResampler? resampler = null; // frames of one video usually share a size, so the weights are reused
        for (int t = 0; t < paths.Length; t++)
        {
            (float[] pixels, int height, int width) = GrayscaleImageReader.Read(paths[t], _options.MaxImagePixels);
            Span<float> frame = destination.Slice(t * frameSize, frameSize);
            if (height == FrameHeight && width == FrameWidth)
            {
                pixels.CopyTo(frame);
                continue;
            }

            if (resampler is null || resampler.SourceHeight != height || resampler.SourceWidth != width)
            {
                resampler = new FrameResampler(height, width, FrameHeight, FrameWidth);
            }

            resampler.Resample(pixels, frame);
        }
    }

    /// <summary>Nothing to release: files are opened only while a frame is read.</summary>
    public void Dispose()
    {
    }

    private static (FrameSequenceFolder[] Folders, SequenceLabels Labels) ScanClasses(string root, FrameFolderOptions options)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The frame folder '{root}' does not exist.");
        }

        string[] classes = Directory.EnumerateDirectories(root)
            .Where(path => !FrameSequenceFolder.IsHidden(path))
            .Select(Path.GetFileName).OfType<string>()
            .Order(NaturalFileNameComparer.Instance)
            .ToArray();
        if (classes.Length == 0)
        {
            throw new InvalidDataException(
                $"'{root}' holds no class folders; with {nameof(FrameFolderOptions.LabelsFromClassFolders)} the layout is root/<class>/<sequence>/<frames>.");
        }

        var folders = new List<FrameSequenceFolder>();
        var values = new List<string>();
        foreach (string className in classes)
        {
            foreach (FrameSequenceFolder folder in FrameSequenceFolder.Scan(Path.Combine(root, className), options))
            {
                FrameSequenceFolder first = folders.Count == 0 ? folder : folders[0];
                if (folder.FramePaths.Length != first.FramePaths.Length)
                {
                    throw new InvalidDataException(
                        $"'{Path.Combine(root, className, folder.Name)}' holds {folder.FramePaths.Length} frames but '{Path.Combine(root, first.Name)}' holds " +
                        $"{first.FramePaths.Length}; every sequence needs the same number of frames (or set {nameof(FrameFolderOptions)}.{nameof(FrameFolderOptions.FrameCount)}).");
                }

                folders.Add(folder with { Name = $"{className}/{folder.Name}" });
                values.Add(className);
            }
        }

        return (folders.ToArray(), SequenceLabels.FromValues(values, options.ClassNames ?? classes, root));
    }

    private static SequenceLabels ReadCsv(string path, string root, FrameSequenceFolder[] folders, FrameFolderOptions options)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The labels file '{path}' does not exist.", path);
        }

        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        var known = folders.Select(folder => folder.Name).ToHashSet(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach ((string line, int number) in LabelTextLines.Read(path))
        {
            lineNumber = number;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = CsvLine.Split(line, path, lineNumber);
            if (byName.Count == 0 && fields is [var a, var b]
                && a.Equals("sequence", StringComparison.OrdinalIgnoreCase) && b.Equals("label", StringComparison.OrdinalIgnoreCase))
            {
                continue; // the header
            }

            if (fields.Length != 2 || fields[0].Length == 0 || fields[1].Length == 0)
            {
                throw new InvalidDataException($"'{path}', line {lineNumber}: expected 'sequence,label', found '{line}'.");
            }

            if (!byName.TryAdd(fields[0], fields[1]))
            {
                throw new InvalidDataException($"'{path}', line {lineNumber}: sequence '{fields[0]}' is labelled twice.");
            }

            if (!known.Contains(fields[0]))
            {
                // Refused at its line: a labels file for other data would otherwise be read to its end first.
                throw new InvalidDataException(
                    $"'{path}', line {lineNumber}: sequence '{fields[0]}' has no folder in '{root}' ({folders.Length} sequences).");
            }
        }

        string[] values = new string[folders.Length];
        int labelled = byName.Count;
        for (int i = 0; i < folders.Length; i++)
        {
            if (!byName.Remove(folders[i].Name, out string? label))
            {
                throw new InvalidDataException(
                    $"'{path}' labels {labelled} sequences but not sequence folder '{folders[i].Name}' of '{root}' ({folders.Length} sequences).");
            }

            values[i] = label;
        }

        return SequenceLabels.FromValues(values, options.ClassNames, path);
    }
}
