using LstmAe.Samples.Shared;
using LstmAe.Visualization;

namespace LstmAe.Samples.MovingMnist;

/// <summary>The folder the sample writes into, and the names of what it writes.</summary>
public sealed class OutputFolder
{
    /// <summary>The ML.NET model (a zip that <c>mlContext.Model.Load</c> reads).</summary>
    public const string ModelFile = "model.zip";

    /// <summary>Training and validation loss against the step.</summary>
    public const string LossCurveFile = "loss-curves.png";

    /// <summary>Input, reconstruction and prediction of a few test sequences, as a grid.</summary>
    public const string ContactSheetFile = ComparisonPictures.ContactSheetFile;

    /// <summary>The figures the sample printed, as JSON.</summary>
    public const string ResultsFile = "results.json";

    private OutputFolder(string path) => Path = path;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The animated GIF of rendered test sequence <paramref name="index"/>.</summary>
    /// <param name="index">Which rendered sequence.</param>
    /// <returns>The file name.</returns>
    public static string AnimationFile(int index) => ComparisonPictures.AnimationFile(index);

    /// <summary>The full path of a file in the folder.</summary>
    /// <param name="name">The file name.</param>
    /// <returns>The full path.</returns>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Whether <paramref name="name"/> is a file the sample writes (of this run or of one with other settings).</summary>
    /// <param name="name">A file name, without folder.</param>
    /// <returns>True for the model, the pictures, the results and any <c>sequence-NNN.gif</c>.</returns>
    public static bool IsSampleFile(string name) =>
        name is ModelFile or LossCurveFile or ContactSheetFile or ResultsFile || ComparisonPictures.IsAnimationFile(name);

    /// <summary>
    /// Prepares the folder: created when missing; an existing non-empty folder is used only with
    /// <paramref name="force"/>, and then the sample's own files from an earlier run are deleted first (so no stale
    /// <c>sequence-NNN.gif</c> outlives it), while every other file is left alone.
    /// </summary>
    /// <param name="path">The folder.</param>
    /// <param name="force">Allow writing into a non-empty folder.</param>
    /// <returns>The prepared folder.</returns>
    /// <exception cref="IOException">The path is a file, or a non-empty folder without <paramref name="force"/>.</exception>
    public static OutputFolder Prepare(string path, bool force)
    {
        string fullPath = OutputFolders.Prepare(path, force, "the sample's files from an earlier run are replaced");
        foreach (string file in Directory.GetFiles(fullPath).Where(file => IsSampleFile(System.IO.Path.GetFileName(file))))
        {
            System.IO.File.Delete(file);
        }
        return new OutputFolder(fullPath);
    }
}
