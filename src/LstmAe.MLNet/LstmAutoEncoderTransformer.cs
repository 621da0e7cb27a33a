using System.Reflection;
using LstmAe.MLNet.Internal;
using LstmAe.MLNet.Persistence;
using LstmAe.MLNet.Transform;
using LstmAe.Model;
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
/// The transformer holds native tensors and is <see cref="IDisposable"/>. As with ML.NET's own TorchSharp
/// transformers, disposing a <see cref="PredictionEngine{TSrc, TDst}"/> created with default options disposes the
/// transformer too (<see cref="PredictionEngineOptions.OwnsTransformer"/>); set that option to false to keep it.
/// </remarks>
public sealed class LstmAutoEncoderTransformer : ITransformer, IDisposable
{
    private readonly TransformerSettings _settings;
    private readonly BatchEncoder _encoder;

    internal LstmAutoEncoderTransformer(LstmAutoEncoder model, TransformerSettings settings)
    {
        settings.Validate(model.Options);
        Model = model;
        _settings = settings;
        _encoder = new BatchEncoder(model, settings.EncoderFeatures);
    }

    /// <summary>The trained model, for direct use (e.g. reconstructing or predicting frames for display).</summary>
    public LstmAutoEncoder Model { get; }

    /// <summary>The input column of frames.</summary>
    public string InputColumnName => _settings.InputColumnName;

    /// <summary>The output column of encoder features.</summary>
    public string OutputColumnName => _settings.OutputColumnName;

    /// <summary>Always true: each output row depends on its input row only.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema plus the added columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The frame column is missing or has the wrong type or size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>A mapper that encodes one row at a time.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new AutoEncoderRowMapper(Bind(inputSchema));

    /// <summary>A lazy view of <paramref name="input"/> with the added columns, computed a batch at a time as
    /// cursors move.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new LstmAutoEncoderDataView(input, Bind(input.Schema));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => TransformerPersistence.Save(ctx, _settings, Model);

    /// <summary>Releases the model's native tensors.</summary>
    public void Dispose() => Model.Dispose();

    private AutoEncoderBindings Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new AutoEncoderBindings(inputSchema, _settings, _encoder);
    }

    /// <summary>Makes <paramref name="catalog"/> able to load saved transformers.</summary>
    internal static void RegisterLoader(ComponentCatalog catalog) =>
        MlNetInternals.RegisterLoader(catalog, typeof(LstmAutoEncoderTransformer), LoaderMethod, TransformerPersistence.LoaderSignature);

    private static readonly MethodInfo LoaderMethod =
        typeof(LstmAutoEncoderTransformer).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    // The loader ML.NET calls through the ComponentCatalog; the context is its internal ModelLoadContext.
    private static LstmAutoEncoderTransformer Create(IHostEnvironment env, object modelLoadContext)
    {
        var (settings, model) = TransformerPersistence.Load(modelLoadContext, device: "cpu");
        return new LstmAutoEncoderTransformer(model, settings);
    }
}
