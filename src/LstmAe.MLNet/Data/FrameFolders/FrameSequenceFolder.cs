namespace LstmAe.MLNet.Data;

/// <summary>One sequence on disk: a folder and the frame images to use, in order.</summary>
/// <param name="Name">The folder's name.</param>
/// <param name="FramePaths">Full paths of the frames, in time order.</param>
internal sealed record FrameSequenceFolder(string Name, string[] FramePaths)
{
    /// <summary>
    /// Finds the sequences under <paramref name="root"/>: every subfolder is one sequence, its frames the files with a
    /// frame extension in natural file-name order (see <see cref="NaturalFileNameComparer"/>). Subfolders are taken in
    /// natural order too. Hidden folders and files (starting with '.', such as macOS's "._name.png" resource forks)
    /// are skipped.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="InvalidDataException">No sequences, a folder without frames, or frame counts that disagree.</exception>
    public static FrameSequenceFolder[] Scan(string root, FrameFolderOptions options)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The frame folder '{root}' does not exist.");
        }

        var extensions = new HashSet<string>(options.Extensions, StringComparer.OrdinalIgnoreCase);
        FrameSequenceFolder[] folders = Directory.EnumerateDirectories(root)
            .Where(path => !IsHidden(path))
            .Order(NaturalFileNameComparer.Instance)
            .Select(path => new FrameSequenceFolder(Path.GetFileName(path), Directory.EnumerateFiles(path)
                .Where(file => IsFrame(file, extensions))
                .Order(NaturalFileNameComparer.Instance)
                .ToArray()))
            .ToArray();
        if (folders.Length == 0)
        {
            string frames = HoldsFrames(root, extensions)
                ? $" but frame images: put each sequence's frames in a subfolder of its own{(options.LabelsFromClassFolders ? $", or, if '{root}' is one sequence and not a class, leave {nameof(FrameFolderOptions.LabelsFromClassFolders)} off" : "")}"
                : "";
            throw new InvalidDataException($"'{root}' holds no subfolders{frames}; each sequence must be a subfolder of frame images.");
        }

        int frameCount = options.FrameCount ?? folders[0].FramePaths.Length;
        foreach (FrameSequenceFolder folder in folders)
        {
            string path = Path.Combine(root, folder.Name);
            int count = folder.FramePaths.Length;
            if (count == 0)
            {
                string classes = !options.LabelsFromClassFolders && Directory.EnumerateDirectories(path).Any(d => !IsHidden(d))
                    ? $"; it holds subfolders: for class folders (root/<class>/<sequence>/<frames>), set {nameof(FrameFolderOptions)}.{nameof(FrameFolderOptions.LabelsFromClassFolders)} (the command line's --class-folders)"
                    : "";
                throw new InvalidDataException($"'{path}' holds no frame images ({string.Join(", ", options.Extensions)}){classes}.");
            }

            if (options.FrameCount is null && count != frameCount)
            {
                throw new InvalidDataException(
                    $"'{path}' holds {count} frames but '{Path.Combine(root, folders[0].Name)}' holds {frameCount}; every sequence needs " +
                    $"the same number of frames (or set {nameof(FrameFolderOptions)}.{nameof(FrameFolderOptions.FrameCount)} to use the first frames of each).");
            }

            if (count < frameCount)
            {
                throw new InvalidDataException(
                    $"'{path}' holds {count} frames, fewer than {nameof(FrameFolderOptions)}.{nameof(FrameFolderOptions.FrameCount)} ({frameCount}).");
            }
        }

        return folders.Select(f => f with { FramePaths = f.FramePaths[..frameCount] }).ToArray();
    }

    /// <summary>Whether a file or folder is hidden: its name starts with '.' (macOS's "._name.png", ".git").</summary>
    public static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    private static bool IsFrame(string file, HashSet<string> extensions) => extensions.Contains(Path.GetExtension(file)) && !IsHidden(file);

    private static bool HoldsFrames(string folder, HashSet<string> extensions) =>
        Directory.EnumerateFiles(folder).Any(file => IsFrame(file, extensions));
}
