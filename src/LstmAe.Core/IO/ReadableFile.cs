namespace LstmAe.IO;

/// <summary>
/// Opens the files LstmAe reads. A FIFO, socket or device is refused before it is opened: opening a FIFO waits for a
/// writer, possibly forever, and none of them has the length and random access every reader here relies on.
/// </summary>
internal static class ReadableFile
{
    /// <summary>Opens <paramref name="path"/> for reading, sharing reads.</summary>
    /// <exception cref="InvalidDataException"><paramref name="path"/> names a FIFO, socket or device; the message
    /// names it and what it is.</exception>
    public static FileStream OpenRead(string path)
    {
        RequireRegular(path);
        return File.OpenRead(path);
    }

    /// <summary>Throws unless <paramref name="path"/> names a regular file, a folder or nothing (left to the caller).</summary>
    /// <exception cref="InvalidDataException"><paramref name="path"/> names a FIFO, socket or device.</exception>
    public static void RequireRegular(string path)
    {
        if (FileKind.SpecialKind(path) is { } kind)
        {
            throw new InvalidDataException(
                $"'{path}' is {kind}, not a regular file; save the data to a file and read that (readers here need its length and random access).");
        }
    }
}
