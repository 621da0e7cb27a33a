namespace LstmAe.IO;

/// <summary>
/// Writes a file so that neither a reader nor a crash half-way ever sees it half-written: the content goes to a hidden
/// temporary file beside the target, is flushed to disk, and then replaces the target in one rename. An existing
/// target survives any failure untouched, and the temporary file never outlives the call.
/// </summary>
/// <remarks>
/// <para>A symbolic link is written through, as other programs do: the file it points to (at the end of a chain of
/// links) is replaced, and the link stays. An existing file keeps its permissions (Unix mode bits). A target that
/// is not a regular file (a device node such as <c>/dev/full</c>, a FIFO, a socket, a folder) is refused with an
/// <see cref="IOException"/> naming it, before anything is written: a rename would replace the node by a file.</para>
/// <para>The rename is atomic because the temporary file lies in the target's folder, so on the same file system. An
/// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>, whether from the writer or from creating,
/// flushing or renaming the file, is rethrown as an <see cref="IOException"/> that names the target and wraps the
/// original, since the temporary name means nothing to the user; any other exception from the writer propagates
/// unchanged.</para>
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, replacing any existing file only
    /// once the new content is complete and on disk.</summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <param name="write">Writes the content to the stream it is given. It may close the stream (TorchSharp's
    /// savers do).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty, or ends in a folder separator.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="write"/> is null.</exception>
    /// <exception cref="IOException">The file could not be written, or <paramref name="path"/> is a folder or another
    /// entry that is not a regular file; the message names <paramref name="path"/>.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        Replace(path, temporary =>
        {
            // CreateNew: the name is fresh, so an existing file there is never ours to overwrite.
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
        });
    }

    /// <summary>
    /// As <see cref="Write(string, Action{Stream})"/>, for writers that take a file name rather than a stream:
    /// <paramref name="writeFile"/> is given the temporary file's name and must create that file.
    /// </summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <param name="writeFile">Creates the file whose name it is given and writes the content to it.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty, or ends in a folder separator.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="writeFile"/> is null.</exception>
    /// <exception cref="IOException">The file could not be written, <paramref name="writeFile"/> did not create
    /// the file it was given, or <paramref name="path"/> is a folder or another entry that is not a regular file; the
    /// message names <paramref name="path"/>.</exception>
    public static void WriteFile(string path, Action<string> writeFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeFile);
        Replace(path, writeFile);
    }

    private static void Replace(string path, Action<string> writeTemporary)
    {
        string fullPath = Path.GetFullPath(path);
        string name = Path.GetFileName(fullPath);
        if (name.Length == 0)
            throw new ArgumentException($"'{path}' names a folder; a file name is needed.", nameof(path));
        string target = fullPath, temporary = "";
        try
        {
            target = FinalTarget(fullPath);
            // FileKind reports no kind for a folder, and the rename over one would fail only after the writing.
            if (Directory.Exists(target))
                throw new IOException("it is a folder, not a regular file; name a file instead.");
            if (FileKind.SpecialKind(target) is { } kind)
                throw new IOException($"it is {kind}, not a regular file; write to a regular file instead.");
            // Hidden and unique, so listings stay clean and two writers of one target never share a temporary file.
            temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
            writeTemporary(temporary);
            // A writer that appends an extension (as some savers do) or writes nothing must not pass unnoticed.
            if (!File.Exists(temporary))
                throw new FileNotFoundException("The writer did not create the file it was given.", temporary);
            // Flush first: the kept mode may be read-only (0444), and the flush must not depend on it.
            FlushToDisk(temporary);
            KeepMode(target, temporary);
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The user named the target, not the hidden temporary file: say which file could not be written.
            string through = target == fullPath ? "" : $" (a link to {target})";
            throw new IOException($"Could not write {fullPath}{through}: {e.Message}", e);
        }
        finally
        {
            // Gone once renamed; after a failure the partial file goes too. Checked first because File.Delete throws
            // when the folder is missing, which would hide the failure that brought us here.
            if (temporary.Length > 0 && File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The file a chain of symbolic links ends at (which need not exist yet), or <paramref name="path"/>
    /// itself when it is no link.</summary>
    private static string FinalTarget(string path) =>
        new FileInfo(path).LinkTarget is not null && File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target
            ? Path.GetFullPath(target.FullName)
            : path;

    /// <summary>Gives the new file the existing target's permissions, which a rename would otherwise replace by the
    /// defaults of a new file (0644 under the usual umask, exposing a 0600 file).</summary>
    private static void KeepMode(string target, string temporary)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(target)) return;
        File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
    }

    /// <summary>
    /// Forces the file's bytes to the disk. Without it the rename can reach the disk before the content does, and a
    /// power cut would leave an empty or partial file under the target's name: the very thing this class prevents.
    /// Reopening covers writers that closed their stream or wrote through a file name alike. The handle is read-only
    /// (fsync needs no write access on Unix), so a file whose mode forbids writing is flushed too.
    /// </summary>
    internal static void FlushToDisk(string file)
    {
        using var handle = File.OpenHandle(file, FileMode.Open, OperatingSystem.IsWindows() ? FileAccess.Write : FileAccess.Read);
        RandomAccess.FlushToDisk(handle);
    }
}
