using LstmAe.Model;

namespace LstmAe.Samples.MovingMnist;

/// <summary>
/// The sizes of one run of the sample. <see cref="Default"/> takes about eight minutes on two CPU cores with bf16;
/// <see cref="Tiny"/> runs in seconds and exists for tests and a quick look at the outputs.
/// </summary>
public sealed record SampleSettings
{
    /// <summary>The folder the outputs go to.</summary>
    public string OutputFolder { get; init; } = Path.Combine(Environment.CurrentDirectory, "lstmae-run");

    /// <summary>Write into a non-empty output folder, replacing the sample's own files from an earlier run (see <see cref="MovingMnist.OutputFolder.IsSampleFile"/>).</summary>
    public bool Force { get; init; }

    /// <summary>Frame rows and columns (Moving MNIST: 64).</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>Frames the encoder reads.</summary>
    public int InputFrames { get; init; } = 10;

    /// <summary>Frames the prediction decoder generates.</summary>
    public int FutureFrames { get; init; } = 10;

    /// <summary>Units in the LSTM layer (the CPU preset's).</summary>
    public int HiddenSize { get; init; } = LstmAutoEncoderModelOptions.CpuDefault.HiddenSize;

    /// <summary>What the decoders see after their first step (the CPU preset's: unconditioned, the fastest).</summary>
    public DecoderConditioning Conditioning { get; init; } = LstmAutoEncoderModelOptions.CpuDefault.Conditioning;

    /// <summary>The matrix products' number format: bfloat16 where this CPU has it natively (about twice the
    /// training speed), float32 elsewhere.</summary>
    public MatrixPrecision MatrixPrecision { get; init; } = MatrixPrecisionSupport.Fastest;

    /// <summary>Generated two-digit training sequences (4,000 steps over the default 2 epochs).</summary>
    public int TrainSequences { get; init; } = 32_000;

    /// <summary>Generated validation sequences (training digits, another seed).</summary>
    public int ValidationSequences { get; init; } = 128;

    /// <summary>Generated test sequences (held-out digits).</summary>
    public int TestSequences { get; init; } = 256;

    /// <summary>Passes over the training sequences.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>The encoder state used as features: the top layer's final h and c. After the default run, a trial
    /// gave 3-4 points more digit accuracy with both than with h alone, whose information the short training
    /// spends mostly on where the digits are.</summary>
    public EncoderFeatures Features { get; init; } = EncoderFeatures.LastLayerHiddenAndCell;

    /// <summary>Sequences per training step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Adam's learning rate at the start, four times the tutorial's 5e-4. With the decoders started at the
    /// data's mean pixel value, full default runs ended at validation loss 0.198 (1e-3), 0.194 (2e-3) and 0.196 (3e-3); at
    /// the mean frame (now), 0.193 with 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>The learning rate decays along a cosine to this fraction of <see cref="LearningRate"/> by the last
    /// step, which settles the noise of small batches at the end of a short run.</summary>
    public double FinalLearningRateFactor { get; init; } = 0.1;

    /// <summary>Gradients whose global norm exceeds this are scaled down to it.</summary>
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>Test sequences drawn as GIFs and on the contact sheet.</summary>
    public int RenderedSequences { get; init; } = 4;

    /// <summary>Labelled single-digit sequences the classifiers may train on ("all labels").</summary>
    public int ClassifierTrainSequences { get; init; } = 2_000;

    /// <summary>Single-digit sequences (held-out digits) the classifiers are scored on.</summary>
    public int ClassifierTestSequences { get; init; } = 500;

    /// <summary>The label budgets compared; each is capped at <see cref="ClassifierTrainSequences"/>.</summary>
    public IReadOnlyList<int> LabelBudgets { get; init; } = [100, 1_000];

    /// <summary>Seed of the data and the weights.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>About eight minutes on two CPU cores with native bf16 (README, "Measured figures").</summary>
    public static SampleSettings Default { get; } = new();

    /// <summary>Seconds: 32x32 frames, 3 + 3 frames, 16 units, a handful of sequences.</summary>
    public static SampleSettings Tiny { get; } = new()
    {
        FrameSize = 32,
        InputFrames = 3,
        FutureFrames = 3,
        HiddenSize = 16,
        TrainSequences = 24,
        ValidationSequences = 8,
        TestSequences = 8,
        Epochs = 1,
        BatchSize = 8,
        RenderedSequences = 2,
        ClassifierTrainSequences = 40,
        ClassifierTestSequences = 20,
        LabelBudgets = [10],
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Require(FrameSize >= 28, nameof(FrameSize), "must be at least 28 to hold an MNIST digit");
        foreach (var (value, name) in new[]
        {
            (InputFrames, nameof(InputFrames)), (FutureFrames, nameof(FutureFrames)), (HiddenSize, nameof(HiddenSize)),
            (TrainSequences, nameof(TrainSequences)), (ValidationSequences, nameof(ValidationSequences)),
            (TestSequences, nameof(TestSequences)), (Epochs, nameof(Epochs)), (BatchSize, nameof(BatchSize)),
            (RenderedSequences, nameof(RenderedSequences)), (ClassifierTrainSequences, nameof(ClassifierTrainSequences)),
            (ClassifierTestSequences, nameof(ClassifierTestSequences)),
        })
        {
            Require(value > 0, name, $"must be positive, got {value}");
        }
        Require(LearningRate > 0, nameof(LearningRate), $"must be positive, got {LearningRate}");
        Require(FinalLearningRateFactor is > 0 and <= 1, nameof(FinalLearningRateFactor), $"must be in (0, 1], got {FinalLearningRateFactor}");
        Require(GradientClipNorm > 0, nameof(GradientClipNorm), $"must be positive, got {GradientClipNorm}");
        Require(RenderedSequences <= TestSequences, nameof(RenderedSequences), $"cannot exceed the {TestSequences} test sequences");
        Require(LabelBudgets.All(b => b > 0), nameof(LabelBudgets), "must all be positive");
    }

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {problem}.", name);
        }
    }
}
