using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Schema;

/// <summary>Reads the frames of the current row into a dense span, checking the length and that every value is
/// finite, so bad rows fail with the column and row named rather than deep inside the model.</summary>
internal sealed class FrameReader
{
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly DataViewRow _row;
    private readonly string _columnName;
    private VBuffer<float> _buffer;

    /// <summary>Reads <paramref name="column"/> of <paramref name="row"/>, which must be active.</summary>
    public FrameReader(DataViewRow row, DataViewSchema.Column column)
    {
        _row = row;
        _columnName = column.Name;
        _getter = row.GetGetter<VBuffer<float>>(column);
    }

    /// <summary>Copies the current row's frames into <paramref name="destination"/>, whose length is the
    /// expected sequence length.</summary>
    /// <exception cref="InvalidOperationException">The row has the wrong length or a NaN or infinite value.</exception>
    public void Read(Span<float> destination)
    {
        _getter(ref _buffer);
        if (_buffer.Length != destination.Length)
            throw new InvalidOperationException(
                $"Column '{_columnName}' row {_row.Position} holds {_buffer.Length} floats; expected {destination.Length}.");
        _buffer.CopyTo(destination);
        // Comparison puts NaN below every number, so this finds NaN as well as infinities.
        int bad = destination.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
        if (bad >= 0)
            throw new InvalidOperationException(
                $"Column '{_columnName}' row {_row.Position} holds {destination[bad]} at index {bad}; frames must be finite.");
    }
}
