using LstmAe.MLNet.Internal;
using LstmAe.MLNet.Schema;
using LstmAe.MLNet.Training;
using LstmAe.MLNet.Transform;
using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet;

/// <summary>
/// Trains a composite LSTM autoencoder on a column of frame sequences and returns a
/// <see cref="LstmAutoEncoderTransformer"/> that adds encoder features. Created by
/// <see cref="LstmAutoEncoderCatalog.LstmAutoEncode(TransformsCatalog, LstmAutoEncoderOptions)"/>.
/// </summary>
/// <remarks>
/// Training streams the data through cursors (shuffled per epoch when the view can shuffle) and never copies it
/// into memory. Progress goes to <c>mlContext.Log</c> and to <see cref="LstmAutoEncoderOptions.Progress"/>. <see cref="LstmAutoEncoderOptions.CancellationToken"/>, or
/// ML.NET's own cancellation (<c>MLContext.CancelExecution</c>, internal to ML.NET and used by AutoML), stops
/// training after the step in progress with an <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class LstmAutoEncoderEstimator : IEstimator<LstmAutoEncoderTransformer>
{
    private readonly IHostEnvironment _environment;
    private readonly IHost _host;
    private readonly LstmAutoEncoderOptions _options;

    internal LstmAutoEncoderEstimator(IHostEnvironment environment, LstmAutoEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A copy, so that later edits to the caller's object cannot bypass the checks below.
        _options = options.Clone();
        Validate(_options);
        _environment = environment;
        _host = environment.Register(nameof(LstmAutoEncoderEstimator));
    }

    /// <summary>The input schema plus the added columns. A <see cref="SchemaShape"/> has no sizes, so the frame
    /// count and frame size are checked by <see cref="Fit"/> and the transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The frame column is missing, not a vector of float32, or of
    /// unknown size.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        FrameColumn.Check(inputSchema, _options.InputColumnName, FrameColumn.Requested(
            _options.Model.InputFrames, _options.Model.FutureFrames, _options.FrameHeight, _options.FrameWidth));
        var columns = new Dictionary<string, SchemaShape.Column>();
        foreach (SchemaShape.Column column in inputSchema)
            columns[column.Name] = column;
        foreach ((string? name, bool scalar) in new[]
        {
            (_options.OutputColumnName, false),
            (_options.ReconstructionColumnName, false),
            (_options.PredictionColumnName, false),
            (_options.ReconstructionErrorColumnName, true),
        })
        {
            if (name is null) continue;
            columns[name] = MlNetInternals.NewSchemaShapeColumn(name,
                scalar ? SchemaShape.Column.VectorKind.Scalar : SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single);
        }
        return new SchemaShape(columns.Values);
    }

    /// <summary>Trains on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The frame column is missing or has the wrong type or size, or
    /// holds no future frames while the prediction decoder is to be trained.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the data holds no training rows (none at all,
    /// or none that <see cref="LstmAutoEncoderOptions.ValidationFraction"/> leaves); or a row holds values outside
    /// [0, 1] under the cross-entropy objective.</exception>
    /// <exception cref="InvalidOperationException">A row holds NaN or infinite values or another number of floats
    /// than the column's size, or training diverged (a step's loss or gradient norm is NaN or infinite).</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is unreadable, damaged, or for another
    /// model, optimizer, batch size or seed.</exception>
    /// <exception cref="IOException">A checkpoint could not be written.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public LstmAutoEncoderTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FrameLayout layout = FrameColumn.Infer(input.Schema, _options.InputColumnName,
            _options.Model.InputFrames, _options.Model.FutureFrames, _options.FrameHeight, _options.FrameWidth);
        LstmAutoEncoderModelOptions modelOptions = ModelOptions(layout);
        modelOptions.Validate();
        var settings = TransformerSettings.From(_options);
        settings.Validate(modelOptions);
        TrainingOptions training = _options.Training;
        RequireFutureFramesIfPredicting(layout, modelOptions, _options.InputColumnName);
        (ISequenceSource train, ISequenceSource? validation) = Sources(input, layout, modelOptions);

        RequireTrainingRows(train, input);
        using IChannel channel = _host.Start("Training LSTM autoencoder");
        WarnIfNotShuffling(input, channel);
        if (FrameColumn.SizeAssumed(input.Schema[_options.InputColumnName].Type, _options.FrameHeight, _options.FrameWidth))
        {
            channel.Warning(MessageSensitivity.None,
                $"Column '{_options.InputColumnName}' has no [T, H, W] dimensions, so its frames are taken as {layout.FrameHeight}x{layout.FrameWidth}; " +
                $"if they are another size, set {nameof(LstmAutoEncoderOptions.FrameHeight)} and {nameof(LstmAutoEncoderOptions.FrameWidth)}.");
        }

        LstmAutoEncoder model = LstmAutoEncoder.Create(modelOptions, training.Seed, ResolveDevice(channel));
        try
        {
            channel.Info(MessageSensitivity.None, $"Training {modelOptions.Mode} LSTM autoencoder ({modelOptions.Layers} x {modelOptions.HiddenSize} units) " +
                $"on column '{_options.InputColumnName}', frames {layout.FrameHeight}x{layout.FrameWidth}, " +
                $"{modelOptions.InputFrames} in + {modelOptions.FutureFrames} future, device {model.Device.type}.");
            var progress = new ChannelProgress(channel, _options.LogEverySteps);
            IProgress<TrainingProgress> reports = _options.Progress is { } caller ? new ProgressFanOut(progress, caller) : progress;
            TrainingResult result;
            using (var cancellation = new CancellationBridge(_environment, _options.CancellationToken, reports))
                result = new AutoEncoderTrainer(model, training).Fit(train, validation, cancellation, cancellation.Token);
            if (progress.Last is { } last)
            {
                channel.Info(MessageSensitivity.None, $"Finished ({result.StopReason}) after {result.Steps} steps, {result.Epochs} epochs, " +
                    $"{result.Elapsed.TotalSeconds:F1} s: {ChannelProgress.Format(last)}");
            }

            if (result.Cancelled)
            {
                throw new OperationCanceledException(
                    $"LSTM autoencoder training was cancelled after {result.Steps} steps.", _options.CancellationToken);
            }

            return new LstmAutoEncoderTransformer(model, settings);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The checks that need no data; each failure names the option. Sizes the model checks itself are
    /// left to <see cref="LstmAutoEncoderModelOptions.Validate"/>, except the frame size, which the frame column's
    /// layout is worked out from first.</summary>
    private static void Validate(LstmAutoEncoderOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.InputColumnName, OptionName(nameof(options.InputColumnName)));
        ArgumentNullException.ThrowIfNull(options.Model, OptionName(nameof(options.Model)));
        ArgumentNullException.ThrowIfNull(options.Training, OptionName(nameof(options.Training)));
        options.Training.Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputColumnName, OptionName(nameof(options.OutputColumnName)));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Device, OptionName(nameof(options.Device)));
        RequireKnownDevice(options.Device);
        if (options.FrameHeight is { } height)
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height, OptionName(nameof(options.FrameHeight)));
        if (options.FrameWidth is { } width)
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width, OptionName(nameof(options.FrameWidth)));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LogEverySteps, OptionName(nameof(options.LogEverySteps)));
        if (options.Training.EarlyStoppingPatience is not null && options.ValidationData is null && options.ValidationFraction == 0)
        {
            throw new ArgumentException(
                $"{nameof(options.Training)}.{nameof(TrainingOptions.EarlyStoppingPatience)} needs validation data: set {nameof(options.ValidationData)} or {nameof(options.ValidationFraction)}.",
                nameof(options));
        }

        if (options.ValidationFraction is not (>= 0 and < 1))
        {
            throw new ArgumentException(
                $"{nameof(options.ValidationFraction)} must be in [0, 1); got {options.ValidationFraction}.", nameof(options));
        }
    }

    private static string OptionName(string property) => $"options.{property}";

    // TorchSharp's own parse of any other name fails with "Requested value 'TPU' was not found.", which names
    // neither the option nor what it accepts.
    private static void RequireKnownDevice(string device) =>
        TorchDevices.RequireKnown(device, OptionName(nameof(LstmAutoEncoderOptions.Device)), fallsBack: true);

    // The frame shape is the column's; everything else is the caller's model record.
    private LstmAutoEncoderModelOptions ModelOptions(FrameLayout layout) => _options.Model with
    {
        FrameHeight = layout.FrameHeight,
        FrameWidth = layout.FrameWidth,
        InputFrames = layout.InputFrames,
        FutureFrames = layout.FutureFrames,
    };

    private (ISequenceSource Train, ISequenceSource? Validation) Sources(IDataView input, FrameLayout layout,
        LstmAutoEncoderModelOptions model)
    {
        string column = _options.InputColumnName;
        if (_options.ValidationData is { } validationData)
        {
            FrameLayout validationLayout = FrameColumn.Check(validationData.Schema, column, layout);
            RequireFutureFramesIfPredicting(validationLayout, model, column);
            return (new DataViewSequenceSource(input, column, layout, _options.Training.Seed),
                new DataViewSequenceSource(validationData, column, validationLayout, _options.Training.Seed));
        }
        if (_options.ValidationFraction == 0)
            return (new DataViewSequenceSource(input, column, layout, _options.Training.Seed), null);
        var split = new RowSplit(_options.ValidationFraction, _options.Training.Seed);
        return (new DataViewSequenceSource(input, column, layout, _options.Training.Seed, split, validationSide: false),
            new DataViewSequenceSource(input, column, layout, _options.Training.Seed, split, validationSide: true));
    }

    /// <summary>Refuses data without a training row before a model is built, naming the cause: where the view knows
    /// its length, or with a split, whose count the trainer then reuses (data of unknown length and no split is left
    /// to the trainer, which counts it anyway).</summary>
    private void RequireTrainingRows(ISequenceSource train, IDataView input)
    {
        string column = _options.InputColumnName;
        long? rows = input.GetRowCount();
        if (rows == 0)
            throw new ArgumentException($"The training data holds no rows: column '{column}' needs at least one sequence to train on.", nameof(input));
        if (_options.ValidationData is not null || _options.ValidationFraction == 0)
            return;
        long? training = train.CountWithoutReading(_options.CancellationToken);
        if (training == 0 && !_options.CancellationToken.IsCancellationRequested)
        {
            throw new ArgumentException(rows is { } known
                ? $"{nameof(LstmAutoEncoderOptions.ValidationFraction)} {_options.ValidationFraction} leaves no training rows of the data's {known}; use more rows or a smaller fraction."
                : $"No training rows: the data holds none, or {nameof(LstmAutoEncoderOptions.ValidationFraction)} {_options.ValidationFraction} took them all.",
                nameof(input));
        }
    }

    private static void RequireFutureFramesIfPredicting(FrameLayout layout, LstmAutoEncoderModelOptions model, string column)
    {
        if (model.HasPredictionDecoder && !layout.HasFutureFrames)
        {
            throw new ArgumentOutOfRangeException(column,
                $"Column '{column}' holds {layout.StoredFrames} frames, but training the prediction decoder (mode " +
                $"{model.Mode}) needs the {layout.InputFrames} input frames followed by {layout.FutureFrames} future " +
                $"frames: shape [{layout.InputFrames + layout.FutureFrames}, {layout.FrameHeight}, {layout.FrameWidth}].");
        }
    }

    /// <summary>Training reshuffles each epoch through the view's cursor; a view that cannot shuffle would silently
    /// repeat one order, so the log says so and names the view's type.</summary>
    internal static void WarnIfNotShuffling(IDataView input, IChannel channel)
    {
        if (input.CanShuffle)
            return;
        channel.Warning(MessageSensitivity.None,
            $"The training data ({input.GetType().FullName}) cannot shuffle, so every epoch reads its rows in the same order. " +
            "Load it with LoadSequencesFromNpy, LoadFrameSequences or LoadSequences (an ISequenceCollection), or cache it " +
            "(mlContext.Data.Cache or AppendCacheCheckpoint), to reshuffle each epoch.");
    }

    // CUDA is asked for, not required: without it training falls back to the CPU with a warning in the log.
    private string ResolveDevice(IChannel channel)
    {
        string device = TorchDevices.Resolve(_options.Device, "training", out string? warning);
        if (warning is not null) channel.Warning(MessageSensitivity.None, warning);
        return device;
    }
}
