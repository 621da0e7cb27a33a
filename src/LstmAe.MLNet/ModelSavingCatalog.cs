using LstmAe.IO;

namespace Microsoft.ML;

/// <summary>
/// <c>mlContext.Model.SaveAtomically(...)</c>: saves an ML.NET model so that an existing file is replaced only by a
/// complete one. <c>mlContext.Model.Save(model, schema, path)</c> truncates the file first, so a failure half-way
/// (a full disk, a crash) destroys the model that was there.
/// </summary>
public static class ModelSavingCatalog
{
    /// <summary>
    /// Saves <paramref name="model"/> and <paramref name="inputSchema"/> to <paramref name="filePath"/> as
    /// <c>Model.Save</c> does, through <see cref="AtomicFile"/>: the zip is written to a hidden temporary file in the
    /// same folder, flushed to disk and renamed over the target. On any failure the previous file is untouched and no
    /// temporary file remains. A symbolic link is written through; the existing file's permissions are kept; a device
    /// node or other non-regular file is refused.
    /// </summary>
    /// <param name="catalog">The context's model catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">The fitted model.</param>
    /// <param name="inputSchema">The schema of the data the model was fitted on, as for <c>Model.Save</c>.</param>
    /// <param name="filePath">The zip to write; its folder must exist.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/>, <paramref name="model"/> or
    /// <paramref name="filePath"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="filePath"/> is empty or ends in a folder separator.</exception>
    /// <exception cref="IOException">The file could not be written, or <paramref name="filePath"/> is a folder or
    /// another entry that is not a regular file; the message names it.</exception>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        AtomicFile.Write(filePath, stream => catalog.Save(model, inputSchema, stream));
    }
}
