using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Samples.MovingMnist;

/// <summary>
/// The sizes of one run of the sample: the ML.NET defaults (<see cref="LstmAutoEncoderOptions.DefaultModel"/>,
/// <see cref="TrainingOptions.CpuDefault"/>) on generated Moving MNIST, with the settings a command line can change.
/// <see cref="Tiny"/> is a small run for tests and a quick look at the outputs (run times: docs/samples.md).
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

    /// <summary>The matrix products' number format: the ML.NET default's, bfloat16 where this CPU has it natively,
    /// float32 elsewhere.</summary>
    public MatrixPrecision MatrixPrecision { get; init; } = LstmAutoEncoderOptions.DefaultModel.MatrixPrecision;

    /// <summary>Generated two-digit training sequences (4,000 steps over the default 2 epochs).</summary>
    public int TrainSequences { get; init; } = 32_000;

    /// <summary>Generated validation sequences (training digits, another seed).</summary>
    public int ValidationSequences { get; init; } = 128;

    /// <summary>Generated test sequences (held-out digits).</summary>
    public int TestSequences { get; init; } = 256;

    /// <summary>Passes over the training sequences (the recipe's, <see cref="TrainingOptions.CpuDefault"/>).</summary>
    public int Epochs { get; init; } = Recipe.Epochs ?? 2;

    /// <summary>The encoder state used as features: the top layer's final h and c (why: docs/performance.md).</summary>
    public EncoderFeatures Features { get; init; } = EncoderFeatures.LastLayerHiddenAndCell;

    /// <summary>Sequences per training step (the recipe's).</summary>
    public int BatchSize { get; init; } = Recipe.BatchSize;

    /// <summary>The learning rate at the first step (the recipe's); it follows the recipe's schedule.</summary>
    public double LearningRate { get; init; } = Recipe.LearningRate;

    /// <summary>How the sample trains: <see cref="TrainingOptions.CpuDefault"/> with this run's epochs, batch size,
    /// learning rate and seed.</summary>
    public TrainingOptions Training => Recipe with { Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Seed = Seed };

    /// <summary>Test sequences drawn as GIFs and on the contact sheet.</summary>
    public int RenderedSequences { get; init; } = 4;

    /// <summary>Labelled single-digit sequences the classifiers may train on ("all labels").</summary>
    public int ClassifierTrainSequences { get; init; } = 2_000;

    /// <summary>Labelled single-digit sequences (training digits) on which each classifier's regularisation is
    /// chosen; never the test sequences.</summary>
    public int ClassifierValidationSequences { get; init; } = 500;

    /// <summary>Single-digit sequences (held-out digits) the classifiers are scored on.</summary>
    public int ClassifierTestSequences { get; init; } = 500;

    /// <summary>Seeds of the classification data and the random encoder; tables give their mean and standard deviation.</summary>
    public int ClassifierSeeds { get; init; } = 3;

    /// <summary>Unlabelled training sequences (the autoencoder's first ones) the PCA baseline is fitted on.</summary>
    public int PcaSequences { get; init; } = 2_000;

    /// <summary>Also score every other <see cref="EncoderFeatures"/> of the trained encoder (for choosing the default).</summary>
    public bool CompareFeatureSets { get; init; }

    /// <summary>Pixels per frame a digit moves (Moving MNIST: 3.6).</summary>
    public float Speed { get; init; } = 3.6f;

    /// <summary>When set, each digit's speed is drawn from [<see cref="Speed"/>, MaxSpeed], in the autoencoder's data and
    /// the classifiers', and the speed band becomes a third classification task.</summary>
    public float? MaxSpeed { get; init; }

    /// <summary>The label budgets compared; each is capped at <see cref="ClassifierTrainSequences"/>.</summary>
    public IReadOnlyList<int> LabelBudgets { get; init; } = [100, 1_000];

    /// <summary>Where the model trains and runs: "cpu", "cuda" or "cuda:N"; without CUDA a CUDA device falls back to
    /// the CPU with a warning (<see cref="LstmAutoEncoderOptions.Device"/>).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Seed of the data and the weights.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The default run (its duration: docs/samples.md, docs/performance.md).</summary>
    public static SampleSettings Default { get; } = new();

    /// <summary>A small run: 32x32 frames, 3 + 3 frames, 16 units, a handful of sequences.</summary>
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
        ClassifierValidationSequences = 16,
        ClassifierTestSequences = 20,
        ClassifierSeeds = 2,
        PcaSequences = 24,
        MaxSpeed = 5f,
        LabelBudgets = [10],
    };

    private static TrainingOptions Recipe => TrainingOptions.CpuDefault;

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
            (ClassifierValidationSequences, nameof(ClassifierValidationSequences)),
            (ClassifierTestSequences, nameof(ClassifierTestSequences)), (ClassifierSeeds, nameof(ClassifierSeeds)),
        })
        {
            Require(value > 0, name, $"must be positive, got {value}");
        }
        Require(LearningRate > 0, nameof(LearningRate), $"must be positive, got {LearningRate}");
        Require(RenderedSequences <= TestSequences, nameof(RenderedSequences), $"cannot exceed the {TestSequences} test sequences");
        Require(LabelBudgets.All(b => b > 0), nameof(LabelBudgets), "must all be positive");
        Require(PcaSequences >= 2, nameof(PcaSequences), $"must be at least 2, got {PcaSequences}");
        Require(float.IsFinite(Speed) && Speed >= 0, nameof(Speed), $"must be finite and non-negative, got {Speed}");
        Require(MaxSpeed is null || (float.IsFinite(MaxSpeed.Value) && MaxSpeed >= Speed), nameof(MaxSpeed), $"must be at least {nameof(Speed)} ({Speed}), got {MaxSpeed}");
    }

    private static void Require(bool condition, string name, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {problem}.", name);
        }
    }
}
