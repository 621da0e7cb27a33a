using Microsoft.ML;

namespace LstmAe.MLNet.Data;

/// <summary>
/// The per-cursor half of a <see cref="SequenceDataView"/>: knows the current row and makes column getters that
/// compute a value only when called, so inactive or unread columns cost nothing.
/// </summary>
internal abstract class SequenceRowReader : IDisposable
{
    private int _row = -1;

    /// <summary>The row the cursor is on.</summary>
    /// <exception cref="InvalidOperationException">The cursor is before its first row or after its last.</exception>
    protected int Row => _row >= 0 ? _row : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first, and read only while it returns true.");

    /// <summary>Moves to <paramref name="row"/>, or off the rows with -1.</summary>
    public void MoveTo(int row)
    {
        _row = row;
        OnMoved();
    }

    /// <summary>A getter for column <paramref name="columnIndex"/>: a <see cref="ValueGetter{TValue}"/> of the column's type.</summary>
    public abstract Delegate CreateGetter(int columnIndex);

    /// <summary>Releases what the reader holds.</summary>
    public virtual void Dispose()
    {
    }

    /// <summary>Called after every move, to forget values cached for the previous row.</summary>
    protected virtual void OnMoved()
    {
    }
}
