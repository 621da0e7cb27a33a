using System.Text.Json;
using System.Text.Json.Serialization;

namespace LstmAe.Model;

/// <summary>
/// The sizes and variants of a composite LSTM autoencoder (Srivastava et al., 2015). A record, so presets are
/// adjusted with <c>with</c>: <c>LstmAutoEncoderModelOptions.CpuDefault with { Objective = ... }</c>.
/// The defaults are those of <see cref="CpuDefault"/>.
/// </summary>
public sealed record LstmAutoEncoderModelOptions
{
    /// <summary>Frame height in pixels.</summary>
    public int FrameHeight { get; init; } = 64;

    /// <summary>Frame width in pixels.</summary>
    public int FrameWidth { get; init; } = 64;

    /// <summary>Floats in one frame: <see cref="FrameHeight"/> x <see cref="FrameWidth"/>.</summary>
    /// <exception cref="OverflowException">The product exceeds <see cref="int.MaxValue"/>, which
    /// <see cref="Validate"/> refuses first.</exception>
    [JsonIgnore]
    public int FrameSize => checked(FrameHeight * FrameWidth);

    /// <summary>Frames the encoder reads (n).</summary>
    public int InputFrames { get; init; } = 10;

    /// <summary>Frames the prediction decoder generates after the input (k).</summary>
    public int FutureFrames { get; init; } = 10;

    /// <summary>Units in each LSTM layer of the encoder and both decoders.</summary>
    public int HiddenSize { get; init; } = 512;

    /// <summary>Stacked LSTM layers in the encoder and in each decoder.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Dropout between stacked LSTM layers while training (0 disables it; ignored with one layer).</summary>
    public double Dropout { get; init; }

    /// <summary>Which decoders exist; an absent decoder has no weights.</summary>
    public AutoEncoderMode Mode { get; init; } = AutoEncoderMode.Composite;

    /// <summary>What the decoders receive at each step after the first.</summary>
    public DecoderConditioning Conditioning { get; init; } = DecoderConditioning.Unconditioned;

    /// <summary>The loss, which also fixes what the decoders emit: logits under BCE, pixel values under MSE.</summary>
    public TrainingObjective Objective { get; init; } = TrainingObjective.BinaryCrossEntropy;

    /// <summary>
    /// The operand format of the large matrix products; weights and everything else stay <c>float32</c>. A saved
    /// model whose options lack this setting loads as <see cref="MatrixPrecision.Float32"/>.
    /// </summary>
    public MatrixPrecision MatrixPrecision { get; init; } = MatrixPrecision.Float32;

    /// <summary>True when the model has the decoder that rebuilds the input.</summary>
    [JsonIgnore]
    public bool HasReconstructionDecoder => Mode != AutoEncoderMode.PredictionOnly;

    /// <summary>True when the model has the decoder that generates future frames.</summary>
    [JsonIgnore]
    public bool HasPredictionDecoder => Mode != AutoEncoderMode.ReconstructionOnly;

    /// <summary>
    /// The paper's Moving MNIST model: 2 layers of 2048 units, 10 frames in, 10 predicted, logistic outputs with
    /// cross-entropy, conditional decoders. About 270 million weights; slow to train on a CPU.
    /// </summary>
    public static LstmAutoEncoderModelOptions Paper { get; } = new()
    {
        HiddenSize = 2048,
        Layers = 2,
        Objective = TrainingObjective.BinaryCrossEntropy,
        Conditioning = DecoderConditioning.Conditional,
    };

    /// <summary>
    /// Sized to reconstruct Moving MNIST on a few CPU cores (run times in docs/performance.md): one layer of 512
    /// units, unconditioned decoders, cross-entropy.
    /// </summary>
    /// <remarks>
    /// A decoder draws each frame as a linear function of its hidden state (then a sigmoid), so its frames form a
    /// family of at most <see cref="HiddenSize"/> dimensions: too narrow a decoder draws blobs rather than strokes
    /// (docs/performance.md, "Width"). 512 units leave room for strokes while a step stays affordable: its
    /// cost grows linearly with the hidden size, because each 4096-pixel frame enters the encoder's input weights
    /// (4 x hidden x 4096 multiply-adds per frame). Unconditioned decoders skip their all-zero input product, which
    /// halves the work of a step against conditional ones. Use <see cref="MatrixPrecision.BFloat16"/> where
    /// <see cref="MatrixPrecisionSupport.NativeBFloat16"/> holds, for faster training (docs/performance.md).
    /// </remarks>
    public static LstmAutoEncoderModelOptions CpuDefault { get; } = new();

    /// <summary>Size of the feature vector <see cref="LstmAutoEncoder.Encode(ReadOnlySpan{float}, int, EncoderFeatures)"/> returns.</summary>
    /// <param name="features">Which encoder state to take.</param>
    public int FeatureSize(EncoderFeatures features) => features switch
    {
        EncoderFeatures.LastLayerHidden => HiddenSize,
        EncoderFeatures.LastLayerHiddenAndCell => 2 * HiddenSize,
        EncoderFeatures.AllLayersHidden => Layers * HiddenSize,
        EncoderFeatures.AllLayersHiddenAndCell => 2 * Layers * HiddenSize,
        EncoderFeatures.LastLayerHiddenMeanOverTime => HiddenSize,
        _ => throw new ArgumentOutOfRangeException(nameof(features), features, "Unknown encoder feature set."),
    };

    /// <summary>Floats in one sequence holding only the input frames.</summary>
    [JsonIgnore]
    public int InputSequenceLength => checked(InputFrames * FrameSize);

    /// <summary>Floats in one sequence holding the input frames followed by the future frames.</summary>
    [JsonIgnore]
    public int FullSequenceLength => checked((InputFrames + FutureFrames) * FrameSize);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range, or the sizes whose
    /// product is too large: a frame or a sequence must fit one .NET array, and the model at most
    /// <see cref="ModelSizeLimits.MaxParameterCount"/> weights.</summary>
    public void Validate()
    {
        RequirePositive(FrameHeight, nameof(FrameHeight));
        RequirePositive(FrameWidth, nameof(FrameWidth));
        RequirePositive(InputFrames, nameof(InputFrames));
        RequirePositive(HiddenSize, nameof(HiddenSize));
        RequirePositive(Layers, nameof(Layers));
        if (FutureFrames < 0 || (HasPredictionDecoder && FutureFrames == 0))
        {
            throw new ArgumentException(
                $"{nameof(FutureFrames)} must be positive when the model predicts (mode {Mode}); got {FutureFrames}.");
        }

        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentException($"{nameof(Dropout)} must be in [0, 1); got {Dropout}.");
        RequireDefined(Mode, nameof(Mode));
        RequireDefined(Conditioning, nameof(Conditioning));
        RequireDefined(Objective, nameof(Objective));
        RequireDefined(MatrixPrecision, nameof(MatrixPrecision));
        // Products in 128 bits: each factor is a positive int, so none of these can wrap.
        Int128 frame = (Int128)FrameHeight * FrameWidth;
        if (frame > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{nameof(FrameHeight)} x {nameof(FrameWidth)} = {FrameHeight} x {FrameWidth} = {frame} pixels; at most {Array.MaxLength} fit one frame.");
        }

        Int128 sequence = ((Int128)InputFrames + FutureFrames) * frame;
        if (sequence > Array.MaxLength)
        {
            throw new ArgumentException(
                $"A sequence of {nameof(InputFrames)} + {nameof(FutureFrames)} = {(long)InputFrames + FutureFrames} frames of {frame} pixels " +
                $"holds {sequence} floats; at most {Array.MaxLength} fit one array.");
        }

        Int128 parameters = ModelStateLayout.ParameterCount(this);
        if (parameters > ModelSizeLimits.MaxParameterCount)
        {
            throw new ArgumentException(
                $"{nameof(HiddenSize)} {HiddenSize}, {nameof(Layers)} {Layers} and frames of {FrameHeight} x {FrameWidth} make a model of " +
                $"{parameters} weights; at most {ModelSizeLimits.MaxParameterCount} ({nameof(ModelSizeLimits)}.{nameof(ModelSizeLimits.MaxParameterCount)}) are supported. " +
                "Smaller frames (resized when loaded) or fewer units make a smaller model.");
        }
    }

    /// <summary>The options as JSON (enums by name), as stored in a saved model.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads options written by <see cref="ToJson"/> and validates them.</summary>
    /// <exception cref="ArgumentException">The JSON is malformed or describes invalid options.</exception>
    public static LstmAutoEncoderModelOptions FromJson(string json)
    {
        LstmAutoEncoderModelOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<LstmAutoEncoderModelOptions>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Model options JSON is malformed: {e.Message}", nameof(json), e);
        }
        if (options is null) throw new ArgumentException("Model options JSON is null.", nameof(json));
        options.Validate();
        return options;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive; got {value}.");
    }

    private static void RequireDefined<TEnum>(TEnum value, string name) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) throw new ArgumentException($"{name} has no value {value}.");
    }
}
