using System.CommandLine;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Samples.Shared;

namespace LstmAe.Cli.Options;

/// <summary>The options that size a new model: a preset, then any size or variant overridden one by one.</summary>
internal sealed class ArchitectureOptions
{
    public const string DefaultPreset = "default", PaperPreset = "paper";

    /// <param name="defaultPreset">The preset when --preset is not given.</param>
    public ArchitectureOptions(string defaultPreset = DefaultPreset)
    {
        Preset = new Option<string>("--preset")
        {
            Description = $"Starting point: default ({Describe(LstmAutoEncoderModelOptions.CpuDefault)}, sized for a CPU) or paper ({Describe(LstmAutoEncoderModelOptions.Paper)}, as in Srivastava et al.).",
            DefaultValueFactory = _ => defaultPreset,
        };
        Preset.AcceptOnlyFromAmong(DefaultPreset, PaperPreset);
        Hidden = PositiveOrNull("--hidden", "Units in each LSTM layer.");
        Layers = PositiveOrNull("--layers", "Stacked LSTM layers in the encoder and each decoder.");
        InputFrames = PositiveOrNull("--input-frames", "Frames the encoder reads.");
        FutureFrames = PositiveOrNull("--future-frames", "Frames the prediction decoder generates.");
        Mode = new Option<AutoEncoderMode?>("--mode") { Description = "Decoders: Composite, ReconstructionOnly or PredictionOnly." };
        Conditioning = new Option<DecoderConditioning?>("--conditioning") { Description = "Decoder input after the first step: Conditional, Unconditioned or TeacherForced." };
        Objective = new Option<TrainingObjective?>("--objective") { Description = "Loss: BinaryCrossEntropy (the paper) or MeanSquaredError." };
        Precision = new Option<MatrixPrecision?>("--precision")
        {
            Description = "Matrix products: Float32 (exact) or BFloat16 (about 2x faster training on CPUs with native bf16, slower elsewhere). Default: for train and paper with the default preset, the faster on this CPU (LstmAutoEncode's default model); otherwise Float32.",
        };
    }

    public Option<string> Preset { get; }
    public Option<int?> Hidden { get; }
    public Option<int?> Layers { get; }
    public Option<int?> InputFrames { get; }
    public Option<int?> FutureFrames { get; }
    public Option<AutoEncoderMode?> Mode { get; }
    public Option<DecoderConditioning?> Conditioning { get; }
    public Option<TrainingObjective?> Objective { get; }
    public Option<MatrixPrecision?> Precision { get; }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Preset, Hidden, Layers, InputFrames, FutureFrames, Mode, Conditioning, Objective, Precision })
        {
            command.Add(option);
        }
    }

    /// <summary>The preset with every given override, validated (sizes within <see cref="ModelSizeLimits"/>).</summary>
    /// <param name="parsed">The command line.</param>
    /// <param name="frameHeight">Rows per frame of the data.</param>
    /// <param name="frameWidth">Pixels per row.</param>
    /// <param name="forTraining">True for a model to train: the default preset is then the ML.NET estimator's default
    /// model (<see cref="LstmAutoEncoderOptions.DefaultModel"/>, bf16 products where native). False for weights made
    /// elsewhere (an imported state_dict), which keep float32 products unless --precision says otherwise.</param>
    public LstmAutoEncoderModelOptions Build(ParseResult parsed, int frameHeight, int frameWidth, bool forTraining)
    {
        var preset = parsed.GetValue(Preset) == PaperPreset ? LstmAutoEncoderModelOptions.Paper
            : forTraining ? LstmAutoEncoderOptions.DefaultModel
            : LstmAutoEncoderModelOptions.CpuDefault;
        var options = preset with
        {
            FrameHeight = frameHeight,
            FrameWidth = frameWidth,
            HiddenSize = parsed.GetValue(Hidden) ?? preset.HiddenSize,
            Layers = parsed.GetValue(Layers) ?? preset.Layers,
            InputFrames = parsed.GetValue(InputFrames) ?? preset.InputFrames,
            FutureFrames = parsed.GetValue(FutureFrames) ?? preset.FutureFrames,
            Mode = parsed.GetValue(Mode) ?? preset.Mode,
            Conditioning = parsed.GetValue(Conditioning) ?? preset.Conditioning,
            Objective = parsed.GetValue(Objective) ?? preset.Objective,
            MatrixPrecision = parsed.GetValue(Precision) ?? preset.MatrixPrecision,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, ExitCodes.Usage);
        }
        return options;
    }

    private static string Describe(LstmAutoEncoderModelOptions preset) =>
        $"{preset.Layers} x {preset.HiddenSize} units, {preset.Conditioning.ToString().ToLowerInvariant()} decoders";

    private static Option<int?> PositiveOrNull(string name, string description) =>
        new Option<int?>(name) { Description = description + " Overrides the preset." }.RequirePositive();
}
