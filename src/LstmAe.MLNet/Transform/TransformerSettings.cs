using LstmAe.Model;

namespace LstmAe.MLNet.Transform;

/// <summary>What a fitted <see cref="LstmAutoEncoderTransformer"/> needs besides the model: its columns and how it
/// runs. Saved with the model as JSON.</summary>
internal sealed record TransformerSettings
{
    /// <summary>Column of input frames.</summary>
    public required string InputColumnName { get; init; }

    /// <summary>Column of encoder features.</summary>
    public required string OutputColumnName { get; init; }

    /// <summary>Which encoder state forms the features.</summary>
    public EncoderFeatures EncoderFeatures { get; init; }

    /// <summary>Optional column of reconstructed frames.</summary>
    public string? ReconstructionColumnName { get; init; }

    /// <summary>Optional column of predicted frames.</summary>
    public string? PredictionColumnName { get; init; }

    /// <summary>Optional column of reconstruction errors.</summary>
    public string? ReconstructionErrorColumnName { get; init; }

    /// <summary>Rows per forward pass in the transformer's cursors.</summary>
    public int TransformBatchSize { get; init; } = LstmAutoEncoderOptions.DefaultTransformBatchSize;

    /// <summary>The settings of <paramref name="options"/>.</summary>
    public static TransformerSettings From(LstmAutoEncoderOptions options) => new()
    {
        InputColumnName = options.InputColumnName,
        OutputColumnName = options.OutputColumnName,
        EncoderFeatures = options.EncoderFeatures,
        ReconstructionColumnName = options.ReconstructionColumnName,
        PredictionColumnName = options.PredictionColumnName,
        ReconstructionErrorColumnName = options.ReconstructionErrorColumnName,
        TransformBatchSize = options.TransformBatchSize,
    };

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range or asks for an output the
    /// model cannot produce.</summary>
    public void Validate(LstmAutoEncoderModelOptions model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(InputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputColumnName);
        if (!Enum.IsDefined(EncoderFeatures))
            throw new ArgumentException($"Unknown {nameof(EncoderFeatures)} {EncoderFeatures}.");
        if (TransformBatchSize is <= 0 or > LstmAutoEncoderOptions.MaxTransformBatchSize)
        {
            throw new ArgumentException(
                $"{nameof(TransformBatchSize)} must be between 1 and {LstmAutoEncoderOptions.MaxTransformBatchSize}; got {TransformBatchSize}.");
        }

        if ((long)TransformBatchSize * model.FullSequenceLength > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{nameof(TransformBatchSize)} {TransformBatchSize} x {model.FullSequenceLength} floats per sequence do not fit one array; use a smaller batch.");
        }

        if (!model.HasReconstructionDecoder && (ReconstructionColumnName ?? ReconstructionErrorColumnName) is { } name)
        {
            throw new ArgumentException(
                $"Output column '{name}' needs the reconstruction decoder, which mode {model.Mode} does not have.");
        }

        if (!model.HasPredictionDecoder && PredictionColumnName is { } prediction)
        {
            throw new ArgumentException(
                $"Output column '{prediction}' needs the prediction decoder, which mode {model.Mode} does not have.");
        }

        string[] names = new[] { OutputColumnName, ReconstructionColumnName, PredictionColumnName, ReconstructionErrorColumnName }
            .OfType<string>().ToArray();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new ArgumentException($"Output column names must differ; got {string.Join(", ", names.Select(n => $"'{n}'"))}.");
    }
}
