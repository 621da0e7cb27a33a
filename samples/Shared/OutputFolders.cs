namespace LstmAe.Samples.Shared;

/// <summary>The sample apps' rule for output folders: never write into a non-empty folder unless told to.</summary>
internal static class OutputFolders
{
    /// <summary>
    /// Checks <paramref name="path"/> may receive output and creates it when missing. A non-empty folder is refused
    /// unless <paramref name="force"/>; the caller decides what, if anything, to replace in it.
    /// </summary>
    /// <param name="path">The folder, relative or absolute.</param>
    /// <param name="force">Allow a non-empty folder.</param>
    /// <param name="whatForceDoes">The end of the refusal, saying what <c>--force</c> would replace.</param>
    /// <returns>The folder's full path.</returns>
    /// <exception cref="IOException">The path is a file, or a non-empty folder without <paramref name="force"/>.</exception>
    public static string Prepare(string path, bool force, string whatForceDoes)
    {
        string fullPath = Path.GetFullPath(path);
        if (File.Exists(fullPath))
        {
            throw new IOException($"The output path '{fullPath}' is a file; --output needs a folder here.");
        }
        if (Directory.Exists(fullPath) && Directory.EnumerateFileSystemEntries(fullPath).Any() && !force)
        {
            throw new IOException($"The output folder '{fullPath}' is not empty; pass --force to write into it ({whatForceDoes}), or choose another with --output.");
        }
        Directory.CreateDirectory(fullPath);
        return fullPath;
    }
}
