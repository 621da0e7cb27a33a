namespace LstmAe.Samples.OnnxScoring.Scorer;

/// <summary>What the scorer measured, as written to the results file.</summary>
/// <param name="Rows">Clips scored.</param>
/// <param name="IdenticalPredictions">Clips whose predicted class equals the TorchSharp pipeline's.</param>
/// <param name="LargestScoreDifference">The largest difference of a class score between the two pipelines.</param>
/// <param name="Accuracy">Share of clips whose predicted class is the true one.</param>
/// <param name="RowsPerSecond">Clips per second in the one scoring pass (informal; the benchmark measures speed).</param>
/// <param name="AppFolderBytes">Bytes in this app's output folder: what a TorchSharp-free deployment ships.</param>
/// <param name="EncoderBytes">Bytes of the exported ONNX encoder.</param>
/// <param name="TorchSharpLoaded">Whether a TorchSharp or LstmAe assembly was loaded (the run fails if so).</param>
public sealed record ScoringResults(int Rows, int IdenticalPredictions, double LargestScoreDifference, double Accuracy,
    double RowsPerSecond, long AppFolderBytes, long EncoderBytes, bool TorchSharpLoaded);
