namespace LstmAe.Samples.OnnxScoring;

/// <summary>What the training half measured, as written to its results file.</summary>
/// <param name="Rows">New clips scored by the TorchSharp pipeline.</param>
/// <param name="Accuracy">Its share of correct digits on them.</param>
/// <param name="RowsPerSecond">Clips per second in its one scoring pass (informal; the benchmark measures speed).</param>
/// <param name="AppFolderBytes">Bytes in this app's output folder: what a TorchSharp deployment ships.</param>
/// <param name="PipelineBytes">Bytes of the saved ML.NET pipeline (LstmAutoEncode and the classifier).</param>
/// <param name="EncoderBytes">Bytes of the exported ONNX encoder.</param>
public sealed record TrainingResults(int Rows, double Accuracy, double RowsPerSecond, long AppFolderBytes, long PipelineBytes, long EncoderBytes);
