using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;

namespace LstmAe.MLNet;

/// <summary>
/// Every setting of <see cref="LstmAutoEncoderEstimator"/>: columns, frame shape, model, training and outputs.
/// The defaults train <see cref="LstmAutoEncoderModelOptions.CpuDefault"/> on 10 + 10 frames of 64x64.
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

    /// <summary>Which part of the encoder's final state forms the feature vector.</summary>
    public EncoderFeatures EncoderFeatures { get; set; } = EncoderFeatures.LastLayerHidden;

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

    /// <summary>Frame height in pixels; null takes it from the input column's dimensions [T, H, W], or 64.</summary>
    public int? FrameHeight { get; set; }

    /// <summary>Frame width in pixels; null takes it from the input column's dimensions [T, H, W], or 64.</summary>
    public int? FrameWidth { get; set; }

    /// <summary>Frames the encoder reads.</summary>
    public int InputFrames { get; set; } = 10;

    /// <summary>Frames the prediction decoder generates; the input column holds them after the input frames when
    /// prediction is trained.</summary>
    public int FutureFrames { get; set; } = 10;

    // ---- Model ---------------------------------------------------------------------------------------------

    /// <summary>Units in each LSTM layer.</summary>
    public int HiddenSize { get; set; } = LstmAutoEncoderModelOptions.CpuDefault.HiddenSize;

    /// <summary>Stacked LSTM layers in the encoder and each decoder.</summary>
    public int Layers { get; set; } = LstmAutoEncoderModelOptions.CpuDefault.Layers;

    /// <summary>Dropout between stacked layers while training.</summary>
    public double Dropout { get; set; } = LstmAutoEncoderModelOptions.CpuDefault.Dropout;

    /// <summary>Which decoders the model has.</summary>
    public AutoEncoderMode Mode { get; set; } = LstmAutoEncoderModelOptions.CpuDefault.Mode;

    /// <summary>What each decoder receives after its first step.</summary>
    public DecoderConditioning Conditioning { get; set; } = LstmAutoEncoderModelOptions.CpuDefault.Conditioning;

    /// <summary>The training loss (and the decoders' output activation).</summary>
    public TrainingObjective Objective { get; set; } = LstmAutoEncoderModelOptions.CpuDefault.Objective;

    /// <summary>
    /// The operand format of the model's matrix products: <see cref="MatrixPrecision.Float32"/> (exact, as PyTorch)
    /// or <see cref="MatrixPrecision.BFloat16"/> (about 2x faster training on CPUs with native bf16, slower
    /// elsewhere). Weights and outputs are float32 either way.
    /// </summary>
    public MatrixPrecision MatrixPrecision { get; set; } = LstmAutoEncoderModelOptions.CpuDefault.MatrixPrecision;

    // ---- Training ------------------------------------------------------------------------------------------

    /// <summary>Passes over the training data; null trains for <see cref="MaxSteps"/> only.</summary>
    public int? Epochs { get; set; } = TrainingDefaults.Epochs;

    /// <summary>Stops after this many optimizer steps, whatever <see cref="Epochs"/> says; null: no limit.</summary>
    public long? MaxSteps { get; set; }

    /// <summary>Sequences per training step.</summary>
    public int BatchSize { get; set; } = TrainingDefaults.BatchSize;

    /// <summary>Optimizer learning rate.</summary>
    public double LearningRate { get; set; } = TrainingDefaults.LearningRate;

    /// <summary>How the learning rate changes with the step, e.g. <see cref="CosineSchedule"/> decaying it towards the
    /// end of a short run; constant by default.</summary>
    public LearningRateSchedule LearningRateSchedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>The optimizer.</summary>
    public OptimizerAlgorithm Optimizer { get; set; } = TrainingDefaults.Optimizer;

    /// <summary>Clips the global gradient norm to this value; null disables clipping.</summary>
    public double? GradientClipNorm { get; set; } = TrainingDefaults.GradientClipNorm;

    /// <summary>Start the decoders at the mean frame of the first training batch instead of PyTorch's start (about 0.5
    /// per pixel under cross-entropy), which on sparse frames such as Moving MNIST halves the steps needed for a
    /// given loss (<see cref="TrainingOptions.InitializeOutputBiasFromData"/>).</summary>
    public bool InitializeOutputBiasFromData { get; set; } = TrainingDefaults.InitializeOutputBiasFromData;

    /// <summary>On Linux with glibc, keep the memory libtorch frees during training in the process instead of
    /// returning it to the kernel after every step (process-wide malloc settings, restored when Fit ends; see
    /// <see cref="TrainingOptions.RetainFreedNativeMemory"/>).</summary>
    public bool RetainFreedNativeMemory { get; set; } = TrainingDefaults.RetainFreedNativeMemory;

    /// <summary>Validation rows; when null, <see cref="ValidationFraction"/> of the training rows are held out.</summary>
    public IDataView? ValidationData { get; set; }

    /// <summary>Fraction of the training rows held out for validation when <see cref="ValidationData"/> is null,
    /// chosen deterministically from each row's id and <see cref="Seed"/>; 0 holds out nothing.</summary>
    public double ValidationFraction { get; set; }

    /// <summary>Stops when the validation loss has not improved for this many epochs; null: never stops early.
    /// Needs validation data.</summary>
    public int? EarlyStoppingPatience { get; set; }

    /// <summary>Seed of weight initialisation, shuffling and the validation split.</summary>
    public int Seed { get; set; }

    /// <summary>"cpu", or "cuda" or "cuda:N" for GPU N (falls back to the CPU with a logged warning when CUDA is
    /// unavailable); any other name is refused when the estimator is created.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Stops training after the step in progress (Fit then throws <see cref="OperationCanceledException"/>).
    /// ML.NET's own <c>MLContext.CancelExecution</c> does the same, but ML.NET keeps it internal.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Receives a <see cref="TrainingProgress"/> after every optimizer step and again, with
    /// <see cref="TrainingProgress.ValidationLoss"/> set, after every validation; null: progress goes to
    /// <c>mlContext.Log</c> only. Called synchronously on the training thread, so a slow callback slows training
    /// (and <see cref="System.Progress{T}"/> would post to the thread pool, out of order). Not saved with the model.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Training steps between progress lines in <c>mlContext.Log</c>.</summary>
    public int LogEverySteps { get; set; } = 10;

    // ---- Transform -----------------------------------------------------------------------------------------

    /// <summary>Rows the transformer's cursors encode per forward pass: 1 to <see cref="MaxTransformBatchSize"/>, and
    /// the batch's frames must fit one .NET array.</summary>
    public int TransformBatchSize { get; set; } = DefaultTransformBatchSize;

    /// <summary>A shallow copy (data views and callbacks are shared), which the estimator keeps.</summary>
    internal LstmAutoEncoderOptions Clone() => (LstmAutoEncoderOptions)MemberwiseClone();

    private static readonly TrainingOptions TrainingDefaults = new();
}
