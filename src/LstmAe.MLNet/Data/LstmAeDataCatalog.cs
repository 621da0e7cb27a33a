using LstmAe.Data;
using LstmAe.MLNet.Data;

namespace Microsoft.ML;

/// <summary>
/// Loaders of video sequence data on <c>mlContext.Data</c>: generated Moving MNIST, .npy arrays such as the
/// published <c>mnist_test_seq.npy</c>, and folders of frame images. Every view computes rows when cursors reach
/// them, supports shuffling and parallel cursors, and never holds the whole data set in memory.
/// </summary>
public static class LstmAeDataCatalog
{
    /// <summary>
    /// Generated Moving MNIST: one row per sequence, with columns <c>Frames</c> (vector of FrameCount x FrameHeight x
    /// FrameWidth floats, all frames, dimensions [T, H, W]) and, per digit, its label (a key over the 10 classes),
    /// start position and velocity (see <see cref="SequenceColumnNames"/>). Row i depends only on (seed, split, i).
    /// </summary>
    /// <param name="catalog">The data catalog of an <see cref="MLContext"/>.</param>
    /// <param name="options">Generator settings; the defaults are the paper's (20 frames of 64x64, two digits).</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static IDataView LoadMovingMnist(this DataOperationsCatalog catalog, MovingMnistOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MovingMnistDataView(new MovingMnistGenerator(options));
    }

    /// <summary>
    /// The sequences of a 4-D .npy file (uint8 or float32, either byte order, C or Fortran order, plain or gzip),
    /// as a column <c>Frames</c> ([T, H, W] floats; uint8 scaled to [0, 1]), and a key-typed <c>Label</c> column (the
    /// class names as key values) when <see cref="NpySequenceOptions.LabelsPath"/> names a labels file: an .npy array
    /// of integers, an IDX label file, or text/CSV with one label per line or a column. The file is read a row at a time (a
    /// file cut short on disk meanwhile gives an <see cref="IOException"/> naming it); a gzip file is first
    /// decompressed to a temporary file. The returned view is <see cref="IDisposable"/>: dispose it to release the
    /// file early.
    /// </summary>
    /// <param name="catalog">The data catalog of an <see cref="MLContext"/>.</param>
    /// <param name="path">The .npy file, e.g. <c>mnist_test_seq.npy</c>.</param>
    /// <param name="options">Axis order (default time-major, like the published file) and train/test split.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or the split does not fit the file.</exception>
    /// <exception cref="FileNotFoundException">The file or the labels file does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened for reading (it may name a
    /// folder).</exception>
    /// <exception cref="InvalidDataException">The file is malformed or truncated, or is a FIFO, socket or device, or
    /// the labels file cannot be read or holds a label count other than the file's sequence count; the message names
    /// the file(s).</exception>
    /// <exception cref="IOException">The file could not be read, or a gzip file would not fit the temporary folder's
    /// drive.</exception>
    public static IDataView LoadSequencesFromNpy(this DataOperationsCatalog catalog, string path, NpySequenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new SequenceCollectionDataView(NpySequenceFile.Open(path, options));
    }

    /// <summary>
    /// Videos stored as frame images: each subfolder of <paramref name="folder"/> is one sequence, its PNG/JPEG
    /// frames in natural file-name order (frame2 before frame10). Columns: <c>Frames</c> ([T, H, W] grayscale floats
    /// in [0, 1], at the first frame's size or resized to the configured one), <c>Name</c> (the subfolder's name) and, with labels, a key-typed
    /// <c>Label</c>: from a class folder level (<c>root/&lt;class&gt;/&lt;sequence&gt;/&lt;frames&gt;</c>, the
    /// ImageFolder convention, with <see cref="FrameFolderOptions.LabelsFromClassFolders"/>) or from a CSV file of
    /// <c>sequence,label</c> (<see cref="FrameFolderOptions.LabelsPath"/>).
    /// </summary>
    /// <param name="catalog">The data catalog of an <see cref="MLContext"/>.</param>
    /// <param name="folder">The folder holding one subfolder per sequence.</param>
    /// <param name="options">Frame size, frame count and image extensions.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="folder"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty, or an option is out of range.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The labels file (<see cref="FrameFolderOptions.LabelsPath"/>) does not
    /// exist.</exception>
    /// <exception cref="InvalidDataException">No sequences, frame counts that disagree, or labels that do not match
    /// the sequence folders; the message names the folder (and the labels file). Without a frame size set, also the
    /// first frame's header as below (it gives the size).
    /// Reading a row: an image that is not PNG, JPEG, GIF, BMP or WebP, is damaged, or declares more than
    /// <see cref="FrameFolderOptions.MaxImagePixels"/> pixels; the message names the file.</exception>
    public static IDataView LoadFrameSequences(this DataOperationsCatalog catalog, string folder, FrameFolderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        FrameFolderSequences sequences = FrameFolderSequences.Open(folder, options);
        return new SequenceCollectionDataView(sequences, sequences.Names);
    }

    /// <summary>
    /// Any <see cref="ISequenceCollection"/> as a data view: column <c>Frames</c> ([T, H, W] floats) and, when the
    /// collection has labels, a key-typed <c>Label</c> column with the class names as key values. Rows are read
    /// when cursors reach them; the view shuffles and runs parallel cursors. Disposing the view disposes
    /// <paramref name="data"/>.
    /// </summary>
    /// <param name="catalog">The data catalog of an <see cref="MLContext"/>.</param>
    /// <param name="data">The sequences; owned by the view from now on.</param>
    public static IDataView LoadSequences(this DataOperationsCatalog catalog, ISequenceCollection data)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        return new SequenceCollectionDataView(data);
    }
}
