using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Data;

/// <summary>A forward-only cursor over the rows of a <see cref="RowSchedule"/>, reading values through a <see cref="SequenceRowReader"/>.</summary>
internal sealed class SequenceRowCursor : DataViewRowCursor
{
    private readonly RowSchedule _schedule;
    private readonly bool[] _active;
    private readonly SequenceRowReader _reader;
    private long _position = -1;
    private int _row = -1;
    private bool _ended;

    public SequenceRowCursor(DataViewSchema schema, RowSchedule schedule, bool[] active, SequenceRowReader reader)
    {
        Schema = schema;
        _schedule = schedule;
        _active = active;
        _reader = reader;
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override long Batch => _position < 0 ? 0 : _schedule.BatchAt(_position);

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override bool MoveNext()
    {
        if (_ended)
        {
            return false;
        }

        _row = _schedule.RowAt(++_position);
        _reader.MoveTo(_row);
        if (_row >= 0)
        {
            return true;
        }

        // Past the end, Position is -1 again, as in ML.NET's own cursors.
        _ended = true;
        _position = -1;
        return false;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) =>
    {
        if (_row < 0)
        {
            throw new InvalidOperationException("The cursor is not on a row.");
        }

        // The row's index in the view: unique, and the same whichever cursor or order reaches it.
        id = new DataViewRowId((ulong)_row, 0);
    };

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index >= _active.Length || Schema[column.Index].Name != column.Name)
        {
            throw new ArgumentException($"Column '{column.Name}' is not a column of this cursor.", nameof(column));
        }

        if (!_active[column.Index])
        {
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        }

        Delegate getter = _reader.CreateGetter(column.Index);
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
