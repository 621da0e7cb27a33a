namespace LstmAe.Samples.OnnxScoring;

/// <summary>
/// The files and columns the two halves of the ONNX sample share: the training half (LstmAe, TorchSharp) writes them,
/// the scoring half (ML.NET and ONNX Runtime only) reads them. Compiled into both projects, so neither references the
/// other.
/// </summary>
internal static class ScoringFolder
{
    /// <summary>The encoder exported with <c>LstmAutoEncoder.ExportOnnx</c>: input <see cref="FramesColumn"/>,
    /// output <see cref="FeaturesColumn"/>.</summary>
    public const string EncoderFile = "encoder.onnx";

    /// <summary>The downstream classifier alone (an ML.NET model reading <see cref="FeaturesColumn"/>).</summary>
    public const string ClassifierFile = "classifier.zip";

    /// <summary>The whole TorchSharp pipeline (<c>LstmAutoEncode</c> and the classifier), as ML.NET saves it.</summary>
    public const string PipelineFile = "lstmae-pipeline.zip";

    /// <summary>New clips to score (ML.NET binary data view): frames, true label, and the TorchSharp pipeline's
    /// prediction and scores.</summary>
    public const string ClipsFile = "clips.idv";

    /// <summary>What the training half measured (JSON).</summary>
    public const string TrainingResultsFile = "onnx-train.json";

    /// <summary>What the scoring half measured (JSON).</summary>
    public const string ResultsFile = "onnx-scoring.json";

    public const string FramesColumn = "Frames";
    public const string FeaturesColumn = "Features";
    public const string LabelColumn = "Label";
    public const string PredictedLabelColumn = "PredictedLabel";
    public const string ScoreColumn = "Score";
    public const string TorchPredictedLabelColumn = "TorchPredictedLabel";
    public const string TorchScoreColumn = "TorchScore";

    /// <summary>Bytes in every file under <paramref name="folder"/>: the size of an application's output folder.</summary>
    public static long Size(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length);
}
