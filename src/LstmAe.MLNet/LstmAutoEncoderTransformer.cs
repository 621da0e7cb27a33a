using System.Reflection;
using System.Runtime.CompilerServices;
using LstmAe.MLNet.Internal;
using LstmAe.MLNet.Persistence;
using LstmAe.MLNet.Transform;
using LstmAe.Model;
using LstmAe.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet;

/// <summary>
/// A fitted LSTM autoencoder as an ML.NET transformer: adds encoder features (and optionally reconstructions,
/// predictions and reconstruction errors) for each row of frames. <see cref="Transform"/> is lazy and batched;
/// <see cref="GetRowToRowMapper"/> serves <see cref="PredictionEngine{TSrc, TDst}"/>. Saved with
/// <c>mlContext.Model.Save</c>; to load in a new process, first call
/// <see cref="LstmAutoEncoderCatalog.RegisterLstmAutoEncoder(ComponentCatalog)"/>.
/// </summary>
/// <remarks>
/// <para>The transformer holds native tensors and is <see cref="IDisposable"/>, with shared ownership: whoever fitted
/// or loaded it owns it, and so does every <see cref="PredictionEngine{TSrc, TDst}"/> created over it (each
/// <see cref="GetRowToRowMapper"/> call), because an engine created with default options disposes its transformer
/// when it is disposed itself (<see cref="PredictionEngineOptions.OwnsTransformer"/>). Each <see cref="Dispose"/>
/// call ends one owner's share (so each owner calls it once), and the last one releases the tensors. So any number
/// of engines, on any threads, can share one transformer and be disposed in any order. Where a share is never ended,
/// the tensors are freed by the garbage collector once nothing references them: an engine created with
/// <c>OwnsTransformer = false</c>, or engines sharing a <see cref="TransformerChain{TLastTransformer}"/> (what a
/// pipeline's Fit and <c>mlContext.Model.Load</c> return), which disposes its transformers on its first
/// Dispose only.</para>
/// <para>So in the common pattern (a chain from Fit or Load, engines created over the chain, all disposed) the chain
/// passes on one Dispose only, while each engine took a share: the last release is left to the garbage collector.
/// Where native memory must go at once (a GPU), dispose the engines first, then the chain, then call
/// <see cref="Dispose"/> on this transformer (the chain's <c>LastTransformer</c>) once per engine created over the
/// chain; or create the engines over this transformer itself, whose shares each engine's Dispose ends.</para>
/// <para>The release waits for a forward pass in progress (they share one lock), and after it every use
/// (<see cref="Transform"/>, a cursor's <c>MoveNext</c>, <c>Predict</c>, <see cref="Model"/>, saving) throws
/// <see cref="ObjectDisposedException"/> naming this class.</para>
/// </remarks>
public sealed class LstmAutoEncoderTransformer : ITransformer, IDisposable
{
    private readonly TransformerSettings _settings;
    private readonly SharedModel _model;
    private readonly BatchEncoder _encoder;

    internal LstmAutoEncoderTransformer(LstmAutoEncoder model, TransformerSettings settings)
    {
        settings.Validate(model.Options);
        _model = new SharedModel(model);
        _settings = settings;
        _encoder = new BatchEncoder(_model, settings.EncoderFeatures);
    }

    /// <summary>The trained model, for direct use (e.g. reconstructing or predicting frames for display). Calls on it
    /// are not serialised with the transformer's own, nor with its disposal.</summary>
    /// <exception cref="ObjectDisposedException">The transformer was disposed by its last owner.</exception>
    public LstmAutoEncoder Model => _model.Unguarded;

    /// <summary>The input column of frames.</summary>
    public string InputColumnName => _settings.InputColumnName;

    /// <summary>The output column of encoder features.</summary>
    public string OutputColumnName => _settings.OutputColumnName;

    /// <summary>Always true: each output row depends on its input row only.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the added columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The frame column is missing or has the wrong type or size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>A mapper that encodes one row at a time. Its caller becomes an owner of the transformer, to end its
    /// share with one <see cref="Dispose"/> call, as a <see cref="PredictionEngine{TSrc, TDst}"/> does. A caller that
    /// never disposes (an engine with <c>OwnsTransformer = false</c>) leaves the last release to the garbage
    /// collector.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        var mapper = new AutoEncoderRowMapper(Bind(inputSchema));
        _model.AddOwner();
        return mapper;
    }

    /// <summary>A lazy view of <paramref name="input"/> with the added columns, computed a batch at a time as
    /// cursors move.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new LstmAutoEncoderDataView(input, Bind(input.Schema));
    }

    /// <summary>
    /// Writes the model as an ONNX graph that computes this transformer's added columns for rows of
    /// <paramref name="inputSchema"/>, so an app without TorchSharp can score with
    /// <c>ApplyOnnxModel(outputColumnNames, new[] { InputColumnName }, path)</c>: the same feature set
    /// (<see cref="LstmAutoEncoderOptions.EncoderFeatures"/>), input rows laid out as <paramref name="inputSchema"/>'s
    /// frame column holds them (input frames, or input then future frames), and an output named after each added
    /// column (a reconstruction error comes back as a vector of one value). Written atomically.
    /// </summary>
    /// <param name="path">The .onnx file to write or replace.</param>
    /// <param name="inputSchema">The schema of the data the graph will score, e.g. <c>data.Schema</c>.</param>
    /// <returns>The export options used, for <see cref="LstmAutoEncoder.ExportOnnx(Stream, OnnxExportOptions?)"/>
    /// or a variant.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="inputSchema"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The frame column is missing or has the wrong type or size.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file could not be written (its folder is missing, it names a folder, ...);
    /// the message names it.</exception>
    /// <exception cref="NotSupportedException">The weights exceed what one ONNX file holds (about 2 GiB).</exception>
    /// <exception cref="ObjectDisposedException">The transformer has been disposed.</exception>
    public OnnxExportOptions ExportOnnx(string path, DataViewSchema inputSchema)
    {
        AutoEncoderBindings bindings = Bind(inputSchema);
        var defaults = new OnnxExportOptions();
        var export = defaults with
        {
            Features = _settings.EncoderFeatures,
            InputIncludesFutureFrames = bindings.Layout.HasFutureFrames,
            InputName = _settings.InputColumnName,
            FeaturesName = _settings.OutputColumnName,
            IncludeReconstruction = _settings.ReconstructionColumnName is not null,
            ReconstructionName = _settings.ReconstructionColumnName ?? defaults.ReconstructionName,
            IncludePrediction = _settings.PredictionColumnName is not null,
            PredictionName = _settings.PredictionColumnName ?? defaults.PredictionName,
            IncludeReconstructionError = _settings.ReconstructionErrorColumnName is not null,
            ReconstructionErrorName = _settings.ReconstructionErrorColumnName ?? defaults.ReconstructionErrorName,
        };
        using (_model.Use(out LstmAutoEncoder live))
            live.ExportOnnx(path, export);
        return export;
    }

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        using (_model.Use(out LstmAutoEncoder live))
            TransformerPersistence.Save(ctx, _settings, live);
    }

    /// <summary>Ends one owner's share of the transformer; the last share releases the model's native tensors, once
    /// a forward pass in progress has finished.</summary>
    public void Dispose() => _model.Release();

    private AutoEncoderBindings Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        _model.ThrowIfReleased();
        return new AutoEncoderBindings(inputSchema, _settings, _encoder);
    }

    /// <summary>Makes <paramref name="catalog"/> able to load saved transformers; with <paramref name="options"/>
    /// (validated, then copied), they replace the catalog's load options, which otherwise stay as they are.</summary>
    /// <exception cref="ArgumentException">The options' device is not a known device name.</exception>
    internal static void RegisterLoader(ComponentCatalog catalog, LstmAutoEncoderLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (options is not null)
        {
            TorchDevices.RequireKnown(options.Device, $"options.{nameof(options.Device)}", fallsBack: true);
            LoadOptionsByCatalog.AddOrUpdate(catalog, new LstmAutoEncoderLoadOptions { Device = options.Device });
        }
        MlNetInternals.RegisterLoader(catalog, typeof(LstmAutoEncoderTransformer), LoaderMethod, TransformerPersistence.LoaderSignature);
    }

    /// <summary>The load options each context's catalog was registered with; a catalog without an entry loads with
    /// the defaults. Weak: an entry lives as long as its MLContext.</summary>
    private static readonly ConditionalWeakTable<ComponentCatalog, LstmAutoEncoderLoadOptions> LoadOptionsByCatalog = new();

    private static readonly MethodInfo LoaderMethod =
        typeof(LstmAutoEncoderTransformer).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    // The loader ML.NET calls through the ComponentCatalog; the context is its internal ModelLoadContext.
    // Runs on the device the catalog's load options name; a CUDA device without CUDA gives the CPU and a warning.
    private static LstmAutoEncoderTransformer Create(IHostEnvironment env, object modelLoadContext)
    {
        string requested = LoadOptionsByCatalog.TryGetValue(env.ComponentCatalog, out LstmAutoEncoderLoadOptions? options)
            ? options.Device
            : new LstmAutoEncoderLoadOptions().Device;
        string device = TorchDevices.Resolve(requested, "loading the model", out string? warning);
        if (warning is not null)
        {
            IHost host = env.Register(nameof(LstmAutoEncoderTransformer));
            using IChannel channel = host.Start("Loading LSTM autoencoder");
            channel.Warning(MessageSensitivity.None, warning);
        }
        var (settings, model) = TransformerPersistence.Load(modelLoadContext, device);
        return new LstmAutoEncoderTransformer(model, settings);
    }
}
