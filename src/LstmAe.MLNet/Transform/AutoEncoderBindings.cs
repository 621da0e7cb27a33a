using LstmAe.MLNet.Schema;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>
/// The transformer bound to one input schema: the output schema (every input column, then the added columns), the
/// frame column and its layout, and which input columns a set of requested output columns depends on.
/// </summary>
internal sealed class AutoEncoderBindings
{
    /// <summary>Checks <paramref name="inputSchema"/> and binds to it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The frame column is missing or has the wrong type or size.</exception>
    public AutoEncoderBindings(DataViewSchema inputSchema, TransformerSettings settings, BatchEncoder encoder)
    {
        InputSchema = inputSchema;
        Settings = settings;
        Encoder = encoder;
        var model = encoder.Options;
        Layout = FrameColumn.Check(inputSchema, settings.InputColumnName,
            new FrameLayout(model.InputFrames, model.FutureFrames, model.FrameHeight, model.FrameWidth, model.InputFrames));
        FramesColumn = inputSchema[settings.InputColumnName];
        Outputs = OutputColumn.For(settings, model);

        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (OutputColumn output in Outputs)
            builder.AddColumn(output.Name, output.Type);
        OutputSchema = builder.ToSchema();
    }

    /// <summary>The schema bound to.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>Input columns (same indices), then <see cref="Outputs"/>.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>The transformer's settings.</summary>
    public TransformerSettings Settings { get; }

    /// <summary>Runs the model.</summary>
    public BatchEncoder Encoder { get; }

    /// <summary>The input column of frames.</summary>
    public DataViewSchema.Column FramesColumn { get; }

    /// <summary>How frames lie in <see cref="FramesColumn"/>.</summary>
    public FrameLayout Layout { get; }

    /// <summary>The added columns, in output-schema order after the input columns.</summary>
    public IReadOnlyList<OutputColumn> Outputs { get; }

    /// <summary>True when output-schema column <paramref name="index"/> is an input column passed through.</summary>
    public bool IsPassThrough(int index) => index < InputSchema.Count;

    /// <summary>The added column at output-schema index <paramref name="index"/>.</summary>
    public OutputColumn OutputAt(int index) => Outputs[index - InputSchema.Count];

    /// <summary>Splits requested output-schema columns into the added ones to compute and the input columns to
    /// pass through, and lists the input columns to read: those, plus the frames when anything is computed.</summary>
    public ColumnRequest Split(IEnumerable<DataViewSchema.Column> requested)
    {
        var computed = new List<OutputKind>();
        var passThrough = new List<DataViewSchema.Column>();
        foreach (DataViewSchema.Column column in requested.DistinctBy(c => c.Index))
        {
            if (IsPassThrough(column.Index))
                passThrough.Add(InputSchema[column.Index]);
            else
                computed.Add(OutputAt(column.Index).Kind);
        }
        IEnumerable<DataViewSchema.Column> read = computed.Count > 0 ? passThrough.Append(FramesColumn) : passThrough;
        return new ColumnRequest(computed, passThrough, read.DistinctBy(c => c.Index).ToArray());
    }
}
