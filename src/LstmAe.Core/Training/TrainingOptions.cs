namespace LstmAe.Training;

/// <summary>
/// How <see cref="AutoEncoderTrainer"/> trains. A record, so presets are adjusted with <c>with</c>:
/// <c>TrainingOptions.CpuDefault with { Epochs = 20 }</c>. A <c>new TrainingOptions()</c> has the PyTorch tutorial's
/// optimizer and learning rate (Adam, 5e-4, constant) and a batch of 16; <see cref="CpuDefault"/> is the recipe the
/// samples, the command-line tool and the ML.NET estimator use.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>
    /// The recipe for <see cref="Model.LstmAutoEncoderModelOptions.CpuDefault"/>: 2 epochs of batches of 16, Adam at
    /// 2e-3 decaying along a cosine to 2e-4 by the end of the run (<see cref="CosineToEndSchedule"/>), gradients
    /// clipped at norm 1, decoder output biases started from the data. How it was chosen: docs/performance.md.
    /// </summary>
    public static TrainingOptions CpuDefault { get; } = new()
    {
        Epochs = 2,
        BatchSize = 16,
        LearningRate = 2e-3,
        Schedule = new CosineToEndSchedule(MinimumFactor: 0.1),
        GradientClipNorm = 1.0,
    };

    /// <summary>Passes over the training source; null to stop on <see cref="MaxSteps"/> only.</summary>
    public int? Epochs { get; init; } = 10;

    /// <summary>Maximum optimizer steps over the whole run (including steps before a resume); null for no limit.</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Sequences per minibatch (the last minibatch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Base learning rate.</summary>
    public double LearningRate { get; init; } = 5e-4;

    /// <summary>The optimizer.</summary>
    public OptimizerAlgorithm Optimizer { get; init; } = OptimizerAlgorithm.Adam;

    /// <summary>Momentum for <see cref="OptimizerAlgorithm.RmsProp"/> and <see cref="OptimizerAlgorithm.Sgd"/>.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Rescale gradients whose global L2 norm exceeds this; null for no clipping.</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Learning-rate schedule applied to <see cref="LearningRate"/>; a schedule relative to the run's length
    /// (<see cref="LearningRateSchedule.DependsOnRunLength"/>) is fixed when <see cref="AutoEncoderTrainer.Fit"/> starts.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Evaluate on the validation source every this many steps; null to evaluate at the end of each epoch.</summary>
    public int? ValidateEverySteps { get; init; }

    /// <summary>Stop after this many validations in a row without a new best validation loss; null never stops early.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Seed of the run's dropout draws (a generator of the run's own on the CPU; the device's on CUDA). With
    /// the same model seed and a source that yields the same sequences, the same seed gives bit-identical weights on
    /// the CPU, whatever runs on other threads.</summary>
    public int Seed { get; init; }

    /// <summary>File for checkpoints (model, optimizer state, step, random state), written atomically; null for none.
    /// Its folder must exist: <see cref="AutoEncoderTrainer.Fit"/> checks that before the first step.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Write a checkpoint every this many steps (one is always written when training stops); null for only at the end.</summary>
    public int? CheckpointEverySteps { get; init; }

    /// <summary>
    /// Continue from <see cref="CheckpointPath"/> when that file exists (when it does not, training starts afresh, and
    /// <see cref="TrainingResult.ResumedFromStep"/> is null).
    /// Resuming reproduces an uninterrupted run bit for bit provided the source's <see cref="ISequenceSource.Read"/>
    /// returns the same order for the same epoch and the run's length is the same: a schedule that depends on the
    /// length (<see cref="CosineToEndSchedule"/>) is laid over the resumed run's <see cref="Epochs"/> and
    /// <see cref="MaxSteps"/>, so extending a run stretches its decay from the step it resumes at.
    /// </summary>
    public bool ResumeFromCheckpoint { get; init; }

    /// <summary>
    /// Before the first step, set the decoders' output biases so they start by drawing the mean frame of the first
    /// training minibatch, pixel by pixel (<see cref="Model.LstmAutoEncoder.InitializeOutputBias(ReadOnlySpan{float})"/>),
    /// instead of PyTorch's start (about 0.5 everywhere under cross-entropy). Applies only to a model straight from
    /// <see cref="Model.LstmAutoEncoder.Create"/>: never to weights loaded with <c>Load</c> or
    /// <c>LoadPyTorchStateDict</c>, biases set with <c>InitializeOutputBias</c>, a resumed run or a second Fit.
    /// Weights changed through <c>Module</c> directly are not tracked: turn this off then. Its effect on Moving MNIST
    /// is measured in docs/performance.md.
    /// </summary>
    public bool InitializeOutputBiasFromData { get; init; } = true;

    /// <summary>
    /// On Linux with glibc, keep the memory libtorch frees during <see cref="AutoEncoderTrainer.Fit"/> in the process
    /// for the next step, instead of returning it to the kernel after every step and faulting it back in (the
    /// effect of <c>MALLOC_MMAP_MAX_=0</c> with a high <c>MALLOC_TRIM_THRESHOLD_</c>; measured in docs/performance.md).
    /// This changes process-wide malloc settings for the duration of
    /// the run; the end of the run lets glibc map large blocks again and returns free memory to the kernel. Nothing
    /// changes where glibc's malloc variables are set in the environment, or on other platforms.
    /// </summary>
    public bool RetainFreedNativeMemory { get; init; } = true;

    /// <summary>
    /// Steps between progress reports. Between reports the steps' losses and gradient norms stay on the device
    /// (<see cref="AutoEncoderTrainer"/> reads them once per report, and clips gradients on the device), so a GPU is
    /// not made to wait for the host after every step; a report then gives the means over its steps and the last
    /// step's gradient norm, and a step that diverged (NaN or infinite loss or gradient) is found at the next report,
    /// with its update already applied. Reports also come before each validation and checkpoint and when training
    /// stops. Null (the default): 1 on the CPU, where reading costs nothing and a diverging step is refused before
    /// its update, and <see cref="DefaultCudaReportEverySteps"/> on CUDA.
    /// </summary>
    public int? ReportEverySteps { get; init; }

    /// <summary>The report interval on a CUDA device when <see cref="ReportEverySteps"/> is null.</summary>
    public const int DefaultCudaReportEverySteps = 25;

    /// <summary>
    /// On a CUDA device, run float32 matrix products in TF32 during <see cref="AutoEncoderTrainer.Fit"/> where the
    /// GPU has TF32 tensor cores (NVIDIA Ampere and later; elsewhere nothing changes): inputs rounded to a 10-bit
    /// mantissa, sums in float32, as PyTorch's <c>torch.backends.cuda.matmul.allow_tf32</c>. On by default; it sets
    /// libtorch's process-wide flags for the run and restores them afterwards. No effect on the CPU or on
    /// <see cref="Model.MatrixPrecision.BFloat16"/> products.
    /// </summary>
    public bool AllowTensorFloat32 { get; init; } = true;

    /// <summary>Read minibatches on a thread of their own (<see cref="MinibatchPrefetch"/>); null: on CUDA only
    /// (<see cref="MinibatchPrefetch.Serves"/>). Set in tests to run that path on the CPU.</summary>
    internal bool? PrefetchMinibatches { get; init; }

    /// <summary>Run the two decoders of a composite model on two threads where that gives the same gradients
    /// (<see cref="ParallelDecoderPass"/>); off only in tests that compare it with the single-threaded pass.</summary>
    internal bool ParallelDecoders { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Epochs is null && MaxSteps is null)
            throw new ArgumentException($"Set {nameof(Epochs)}, {nameof(MaxSteps)} or both, so training ends.");
        if (Epochs <= 0) throw new ArgumentException($"{nameof(Epochs)} must be positive; got {Epochs}.");
        if (MaxSteps <= 0) throw new ArgumentException($"{nameof(MaxSteps)} must be positive; got {MaxSteps}.");
        if (BatchSize <= 0) throw new ArgumentException($"{nameof(BatchSize)} must be positive; got {BatchSize}.");
        // Comparisons are false for NaN, and infinities are refused explicitly: either would make every weight NaN.
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentException($"{nameof(LearningRate)} must be positive and finite; got {LearningRate}.");
        if (!(Momentum is >= 0 and < 1)) throw new ArgumentException($"{nameof(Momentum)} must be in [0, 1); got {Momentum}.");
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentException($"{nameof(Optimizer)} has no value {Optimizer}.");
        if (GradientClipNorm is { } clip && !(clip > 0 && double.IsFinite(clip)))
            throw new ArgumentException($"{nameof(GradientClipNorm)} must be positive and finite (null for no clipping); got {clip}.");
        if (ValidateEverySteps <= 0)
            throw new ArgumentException($"{nameof(ValidateEverySteps)} must be positive; got {ValidateEverySteps}.");
        if (EarlyStoppingPatience <= 0)
            throw new ArgumentException($"{nameof(EarlyStoppingPatience)} must be positive; got {EarlyStoppingPatience}.");
        if (ReportEverySteps <= 0)
            throw new ArgumentException($"{nameof(ReportEverySteps)} must be positive; got {ReportEverySteps}.");
        if (CheckpointEverySteps <= 0)
            throw new ArgumentException($"{nameof(CheckpointEverySteps)} must be positive; got {CheckpointEverySteps}.");
        if (CheckpointEverySteps is not null && CheckpointPath is null)
            throw new ArgumentException($"{nameof(CheckpointEverySteps)} needs a {nameof(CheckpointPath)}.");
        if (ResumeFromCheckpoint && CheckpointPath is null)
            throw new ArgumentException($"{nameof(ResumeFromCheckpoint)} needs a {nameof(CheckpointPath)}.");
        ArgumentNullException.ThrowIfNull(Schedule);
        Schedule.Validate();
    }
}
