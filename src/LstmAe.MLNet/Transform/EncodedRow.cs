using LstmAe.MLNet.Schema;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>A row of the transformer's output over a single input row: passed-through columns read the input
/// directly; added columns are computed once per input position, on first use.</summary>
internal sealed class EncodedRow : DataViewRow
{
    private readonly AutoEncoderBindings _bindings;
    private readonly DataViewRow _input;
    private readonly ColumnRequest _request;
    private readonly EncodedRows _outputs;
    private readonly FrameReader? _frames;
    private readonly float[] _sequence;
    private long _encodedPosition = -1;

    /// <summary>The output row over <paramref name="input"/>, with the columns of <paramref name="request"/> active.</summary>
    public EncodedRow(AutoEncoderBindings bindings, DataViewRow input, ColumnRequest request)
    {
        _bindings = bindings;
        _input = input;
        _request = request;
        _outputs = new EncodedRows(bindings.Encoder, request.Computed, capacity: 1);
        _frames = _outputs.WantsAny ? new FrameReader(input, bindings.FramesColumn, bindings.Layout.SequenceLength) : null;
        _sequence = _outputs.WantsAny ? new float[bindings.Layout.InputLength] : [];
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema => _bindings.OutputSchema;

    /// <inheritdoc/>
    public override long Position => _input.Position;

    /// <inheritdoc/>
    public override long Batch => _input.Batch;

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) => _bindings.IsPassThrough(column.Index)
        ? _request.PassThrough.Any(c => c.Index == column.Index)
        : _outputs.Wants(_bindings.OutputAt(column.Index).Kind);

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column))
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this row.");
        if (_bindings.IsPassThrough(column.Index))
            return _input.GetGetter<TValue>(_bindings.InputSchema[column.Index]);
        Delegate getter = OutputGetters.Create(_bindings.OutputAt(column.Index), _outputs, EncodeCurrentRow);
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    /// <summary>Encodes the input's current row unless already done; returns its slot (always 0).</summary>
    private int EncodeCurrentRow()
    {
        if (_encodedPosition != _input.Position || _input.Position < 0)
        {
            _frames!.Read(_sequence);
            _bindings.Encoder.Encode(_sequence, 1, _outputs);
            _encodedPosition = _input.Position;
        }
        return 0;
    }
}
