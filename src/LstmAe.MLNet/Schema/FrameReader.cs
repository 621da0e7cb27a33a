using System.Globalization;
using LstmAe.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Schema;

/// <summary>Reads the frames of the current row into a dense span, checking the row's length and that every value
/// copied is finite, so bad rows fail with the column and row named rather than deep inside the model.</summary>
internal sealed class FrameReader
{
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly DataViewRow _row;
    private readonly string _columnName;
    private readonly int _rowLength;
    private VBuffer<float> _buffer;
    private float[] _dense = [];

    /// <summary>Reads <paramref name="column"/> of <paramref name="row"/> (which must be active), whose rows hold
    /// <paramref name="rowLength"/> floats.</summary>
    public FrameReader(DataViewRow row, DataViewSchema.Column column, int rowLength)
    {
        _row = row;
        _columnName = column.Name;
        _rowLength = rowLength;
        _getter = row.GetGetter<VBuffer<float>>(column);
    }

    /// <summary>Copies the first <c>destination.Length</c> floats of the current row into
    /// <paramref name="destination"/>: the whole row, or only its input frames when that is all the consumer reads.</summary>
    /// <exception cref="InvalidOperationException">The row has the wrong length or a NaN or infinite value among
    /// the floats copied.</exception>
    public void Read(Span<float> destination)
    {
        ReadOnlySpan<float> values = Current()[..destination.Length];
        values.CopyTo(destination);
        ThrowIfNonFinite(destination, FrameValueCheck.IndexOfFirstNonFinite(destination));
    }

    /// <summary>Writes the current row's first <paramref name="length"/> floats (its input frames) to row
    /// <paramref name="slot"/> of <paramref name="frames"/>, checked there as they are written.</summary>
    /// <exception cref="InvalidOperationException">The row has the wrong length or a NaN or infinite value among
    /// the floats written.</exception>
    public void ReadInto(InputFrameBuffer frames, int slot, int length)
    {
        ReadOnlySpan<float> values = Current()[..length];
        ThrowIfNonFinite(values, frames.Write(slot, values));
    }

    /// <summary>The current row's values, dense, after checking its length.</summary>
    private ReadOnlySpan<float> Current()
    {
        _getter(ref _buffer);
        if (_buffer.Length != _rowLength)
        {
            throw new InvalidOperationException(
                $"Column '{_columnName}' row {CurrentRow()} holds {_buffer.Length} floats; expected {_rowLength}.");
        }

        return _buffer.IsDense ? _buffer.GetValues() : Densify();
    }

    private void ThrowIfNonFinite(ReadOnlySpan<float> values, int bad)
    {
        if (bad >= 0)
        {
            throw new InvalidOperationException(
                $"Column '{_columnName}' row {CurrentRow()} holds {FrameValueCheck.Format(values[bad])} " +
                $"at index {bad}; frames must be finite.");
        }
    }

    /// <summary>
    /// The current row as a message names it: its row id, which ML.NET's loaders and LstmAe's data views set to the
    /// row's index in the data and which shuffling and filtering keep, rather than the cursor's position, which under
    /// a shuffled cursor (as training reads) is only the order of reading; that position is added when it differs.
    /// </summary>
    private string CurrentRow()
    {
        long position = _row.Position;
        DataViewRowId id = default;
        try
        {
            _row.GetIdGetter()(ref id);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or NotImplementedException)
        {
            return position.ToString(CultureInfo.InvariantCulture); // a row without ids: the position is all there is
        }
        if (id.High != 0 || id.Low > long.MaxValue)
            return $"with id {id} (read at position {position})";
        return (long)id.Low == position
            ? position.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{id.Low} (read at position {position} of a shuffled or filtered cursor)");
    }

    private float[] Densify()
    {
        if (_dense.Length != _rowLength)
            _dense = new float[_rowLength];
        _buffer.CopyTo(_dense);
        return _dense;
    }
}
