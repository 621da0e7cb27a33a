using LstmAe.MLNet.Schema;
using LstmAe.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>
/// The transformer's cursor. It reads a batch of rows ahead from the input cursor, runs one forward pass for the
/// whole batch, then serves the rows one by one, so iterating costs about what a raw batched forward costs.
/// </summary>
/// <remarks>
/// Because the input cursor is ahead of the row being served, the values of passed-through columns are captured
/// per row into <see cref="ColumnCache"/>s while reading ahead, with the row's id and batch. The alternative, a
/// second input cursor trailing the first, would compute upstream transforms twice and could not be kept in step
/// with shuffled cursors or cursor sets, which may split rows differently on every call.
/// </remarks>
internal sealed class BatchedEncodingCursor : DataViewRowCursor
{
    private readonly AutoEncoderBindings _bindings;
    private readonly DataViewRowCursor _input;
    private readonly int _capacity;
    private readonly EncodedRows _outputs;
    private readonly FrameReader? _frames;
    private InputFrameBuffer? _sequences;
    private readonly Dictionary<int, ColumnCache> _passThrough = [];
    private readonly ValueGetter<DataViewRowId> _inputId;
    private readonly DataViewRowId[] _ids;
    private readonly long[] _batches;
    private int _count;
    private int _current = -1;
    private long _position = -1;

    /// <summary>A cursor over <paramref name="input"/> (whose active columns are
    /// <see cref="ColumnRequest.InputColumns"/>) serving the columns of <paramref name="request"/>.</summary>
    public BatchedEncodingCursor(AutoEncoderBindings bindings, DataViewRowCursor input, ColumnRequest request)
    {
        _bindings = bindings;
        _input = input;
        _capacity = bindings.Settings.TransformBatchSize;
        _outputs = new EncodedRows(bindings.Encoder, request.Computed, _capacity);
        _frames = _outputs.WantsAny ? new FrameReader(input, bindings.FramesColumn, bindings.Layout.SequenceLength) : null;
        foreach (DataViewSchema.Column column in request.PassThrough)
            _passThrough[column.Index] = ColumnCache.Create(input, column, _capacity);
        _inputId = input.GetIdGetter();
        _ids = new DataViewRowId[_capacity];
        _batches = new long[_capacity];
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema => _bindings.OutputSchema;

    /// <inheritdoc/>
    public override long Position => _position;

    /// <inheritdoc/>
    public override long Batch => _current >= 0 ? _batches[_current] : 0;

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) => _bindings.IsPassThrough(column.Index)
        ? _passThrough.ContainsKey(column.Index)
        : _outputs.Wants(_bindings.OutputAt(column.Index).Kind);

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = _ids[CurrentSlot()];

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column))
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");
        Delegate getter = _bindings.IsPassThrough(column.Index)
            ? _passThrough[column.Index].CreateGetter(CurrentSlot)
            : OutputGetters.Create(_bindings.OutputAt(column.Index), _outputs, CurrentSlot);
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    /// <inheritdoc/>
    public override bool MoveNext()
    {
        if (_current + 1 >= _count && !ReadAhead())
        {
            _position = -1; // past the end, as in ML.NET's own cursors
            return false;
        }
        _current++;
        _position++;
        return true;
    }

    /// <summary>Reads up to a batch of input rows and encodes them; false when the input is exhausted.</summary>
    private bool ReadAhead()
    {
        _count = 0;
        _current = -1;
        int length = _bindings.Layout.InputLength; // the encoder reads only the input frames
        // Made on the first read, like every model call, so that building the cursor opens nothing it could leak.
        if (_outputs.WantsAny)
            _sequences ??= _bindings.Encoder.CreateInputBuffer(_capacity, _outputs);
        while (_count < _capacity && _input.MoveNext())
        {
            _frames?.ReadInto(_sequences!, _count, length);
            foreach (ColumnCache cache in _passThrough.Values)
                cache.Capture(_count);
            _inputId(ref _ids[_count]);
            _batches[_count] = _input.Batch;
            _count++;
        }
        if (_count > 0 && _sequences is not null)
            _bindings.Encoder.Encode(_sequences, _count, _outputs);
        return _count > 0;
    }

    private int CurrentSlot() => _current >= 0
        ? _current
        : throw new InvalidOperationException("The cursor has no current row: call MoveNext first.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            _sequences?.Dispose();
        }
        base.Dispose(disposing);
    }
}
