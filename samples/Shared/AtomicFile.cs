namespace LstmAe.Samples.Shared;

/// <summary>
/// Writes a file so that a reader, or a failure half-way, never sees it half-written: the content goes to a temporary
/// file beside the target, which then replaces the target in one rename. An existing file survives any failure.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, replacing any existing file only on success.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="write">Writes the content; it may close the stream (TorchSharp's savers do).</param>
    public static void Write(string path, Action<Stream> write) => WriteFile(path, temporary =>
    {
        using var stream = File.Create(temporary);
        write(stream);
    });

    /// <summary>
    /// As <see cref="Write(string, Action{Stream})"/>, for writers that take a file name: <paramref name="writeFile"/>
    /// is given the temporary file's name.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="writeFile">Writes the content to the file it is given.</param>
    public static void WriteFile(string path, Action<string> writeFile)
    {
        string fullPath = Path.GetFullPath(path);
        // Beside the target, so the rename stays on one file system and is atomic.
        string temporary = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            writeFile(temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The user named the target, not the hidden temporary file: say which file could not be written.
            throw new IOException($"Could not write {fullPath}: {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
