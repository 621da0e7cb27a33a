using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;

namespace LstmAe.MLNet;

/// <summary>
/// Every setting of <see cref="LstmAutoEncoderEstimator"/>: columns and outputs, the frame shape, the model
/// (<see cref="Model"/>, a <see cref="LstmAutoEncoderModelOptions"/> preset), the training
/// (<see cref="Training"/>, a <see cref="TrainingOptions"/> preset), and what only the ML.NET estimator has:
/// validation data, device, progress, cancellation and the transform's batch size. The defaults are the CPU recipe:
/// <see cref="DefaultModel"/> trained by <see cref="TrainingOptions.CpuDefault"/> on 10 + 10 frames.
/// </summary>
public sealed class LstmAutoEncoderOptions
{
    /// <summary>Default name of the input column: a vector of float32 frames, time-major, row-major pixels.</summary>
    public const string DefaultInputColumnName = "Frames";

    /// <summary>Default name of the feature column the transformer adds.</summary>
    public const string DefaultOutputColumnName = "Features";

    /// <summary>Default <see cref="TransformBatchSize"/>; also what saved settings without one mean.</summary>
    internal const int DefaultTransformBatchSize = 64;

    /// <summary>
    /// The largest <see cref="TransformBatchSize"/>: 4096 rows. A cursor holds a batch of input rows and of every
    /// output at once, so this bounds what a saved model's settings can make it allocate; larger batches gain nothing
    /// over this (a forward pass runs in chunks of 64 sequences anyway).
    /// </summary>
    public const int MaxTransformBatchSize = 4096;

    // ---- Columns -------------------------------------------------------------------------------------------

    /// <summary>Input column: vector&lt;float32&gt; holding the input frames, or the input frames followed by the
    /// future frames (needed to train prediction). Shaped [frames, height, width] where the data says so.</summary>
    public string InputColumnName { get; set; } = DefaultInputColumnName;

    /// <summary>Output column of encoder features (see <see cref="EncoderFeatures"/>).</summary>
    public string OutputColumnName { get; set; } = DefaultOutputColumnName;

    /// <summary>Which encoder state forms the feature vector. Default: the top layer's final h and c (2 x hidden
    /// values), chosen over h alone by the comparisons in docs/performance.md.</summary>
    public EncoderFeatures EncoderFeatures { get; set; } = EncoderFeatures.LastLayerHiddenAndCell;

    /// <summary>Optional output column of the reconstructed input frames, vector [InputFrames, height, width] in
    /// natural time order; null adds no column. Needs the reconstruction decoder.</summary>
    public string? ReconstructionColumnName { get; set; }

    /// <summary>Optional output column of the predicted future frames, vector [FutureFrames, height, width];
    /// null adds no column. Needs the prediction decoder.</summary>
    public string? PredictionColumnName { get; set; }

    /// <summary>Optional output column of the per-row reconstruction error (mean squared error per pixel), an
    /// anomaly score; null adds no column. Needs the reconstruction decoder.</summary>
    public string? ReconstructionErrorColumnName { get; set; }

    // ---- Frame shape ---------------------------------------------------------------------------------------

    /// <summary>Frame height in pixels; null takes it from the input column's dimensions [T, H, W], or 64. Replaces
    /// <see cref="Model"/>'s <see cref="LstmAutoEncoderModelOptions.FrameHeight"/>, which the column decides.</summary>
    public int? FrameHeight { get; set; }

    /// <summary>Frame width in pixels; null takes it from the input column's dimensions [T, H, W], or 64. Replaces
    /// <see cref="Model"/>'s <see cref="LstmAutoEncoderModelOptions.FrameWidth"/>, which the column decides.</summary>
    public int? FrameWidth { get; set; }

    // ---- Model and training --------------------------------------------------------------------------------

    /// <summary>
    /// The model: sizes, frames in (<see cref="LstmAutoEncoderModelOptions.InputFrames"/>) and predicted
    /// (<see cref="LstmAutoEncoderModelOptions.FutureFrames"/>), mode, decoder conditioning, objective and matrix
    /// precision. Default <see cref="DefaultModel"/>; change it from a preset with <c>with</c>:
    /// <c>Model = LstmAutoEncoderModelOptions.CpuDefault with { HiddenSize = 256 }</c>. The frame size comes from
    /// the input column (<see cref="FrameHeight"/>, <see cref="FrameWidth"/>), not from this record.
    /// </summary>
    public LstmAutoEncoderModelOptions Model { get; set; } = DefaultModel;

    /// <summary>
    /// How the autoencoder trains: epochs or steps, batch size, optimizer, learning rate and schedule, clipping,
    /// validation cadence, early stopping, seed (of the weights, the shuffling and the validation split too),
    /// checkpoints. Default <see cref="TrainingOptions.CpuDefault"/>; change it with <c>with</c>:
    /// <c>Training = TrainingOptions.CpuDefault with { Epochs = 10 }</c>.
    /// </summary>
    public TrainingOptions Training { get; set; } = TrainingOptions.CpuDefault;

    /// <summary><see cref="LstmAutoEncoderModelOptions.CpuDefault"/> with its matrix products in the fastest format
    /// this CPU has (<see cref="MatrixPrecisionSupport.Fastest"/>): bfloat16 where it is native, float32 elsewhere.</summary>
    public static LstmAutoEncoderModelOptions DefaultModel { get; } =
        LstmAutoEncoderModelOptions.CpuDefault with { MatrixPrecision = MatrixPrecisionSupport.Fastest };

    /// <summary>Validation rows; when null, <see cref="ValidationFraction"/> of the training rows are held out.</summary>
    public IDataView? ValidationData { get; set; }

    /// <summary>Fraction of the training rows held out for validation when <see cref="ValidationData"/> is null,
    /// chosen deterministically from each row's id and <see cref="TrainingOptions.Seed"/>; 0 holds out nothing.</summary>
    public double ValidationFraction { get; set; }

    /// <summary>"cpu", or "cuda" or "cuda:N" for GPU N (falls back to the CPU with a logged warning when CUDA is
    /// unavailable); any other name is refused when the estimator is created.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Stops training after the step in progress (Fit then throws <see cref="OperationCanceledException"/>).
    /// ML.NET's own <c>MLContext.CancelExecution</c> does the same, but ML.NET keeps it internal.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Receives a <see cref="TrainingProgress"/> every <see cref="TrainingOptions.ReportEverySteps"/>
    /// optimizer steps (after every step on the CPU by default, every
    /// <see cref="TrainingOptions.DefaultCudaReportEverySteps"/> on CUDA) and again, with
    /// <see cref="TrainingProgress.ValidationLoss"/> set, after every validation; null: progress goes to
    /// <c>mlContext.Log</c> only. Called synchronously on the training thread, so a slow callback slows training
    /// (and <see cref="System.Progress{T}"/> would post to the thread pool, out of order). Not saved with the model.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Training steps between progress lines in <c>mlContext.Log</c>. Of the reports <see cref="Progress"/>
    /// describes, a line is written for step 1's, for each with a validation loss, and for each whose step is a
    /// multiple of this; where reports come every <see cref="TrainingOptions.ReportEverySteps"/> steps (on CUDA by
    /// default), the regular lines come only at steps that are multiples of both.</summary>
    public int LogEverySteps { get; set; } = 10;

    // ---- Transform -----------------------------------------------------------------------------------------

    /// <summary>Rows the transformer's cursors encode per forward pass: 1 to <see cref="MaxTransformBatchSize"/>, and
    /// the batch's frames must fit one .NET array.</summary>
    public int TransformBatchSize { get; set; } = DefaultTransformBatchSize;

    /// <summary>A shallow copy (data views, callbacks and the immutable <see cref="Model"/> and
    /// <see cref="Training"/> records are shared), which the estimator keeps.</summary>
    internal LstmAutoEncoderOptions Clone() => (LstmAutoEncoderOptions)MemberwiseClone();
}
