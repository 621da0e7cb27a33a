using Microsoft.ML;

namespace LstmAe.MLNet.Data;

/// <summary>
/// Base of the sequence data views: a fixed number of rows that can each be computed on demand from the row index
/// alone, so cursors can go in any order, in parallel, without materialising anything.
/// </summary>
internal abstract class SequenceDataView : IDataView
{
    protected SequenceDataView(DataViewSchema schema, int rowCount)
    {
        Schema = schema;
        RowCount = rowCount;
    }

    public DataViewSchema Schema { get; }

    /// <summary>Rows in the view.</summary>
    public int RowCount { get; }

    /// <summary>Always true: any row can be produced at any time.</summary>
    public bool CanShuffle => true;

    public long? GetRowCount() => RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        CreateCursors(columnsNeeded, 1, rand)[0];

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        CreateCursors(columnsNeeded, Math.Clamp(n, 1, Math.Max(1, RowCount)), rand);

    /// <summary>Makes the reader of one cursor (each cursor has its own buffers, so cursors can run in parallel).</summary>
    protected abstract SequenceRowReader CreateReader();

    private DataViewRowCursor[] CreateCursors(IEnumerable<DataViewSchema.Column> columnsNeeded, int count, Random? rand)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[Schema.Count];
        foreach (DataViewSchema.Column column in columnsNeeded)
        {
            if (column.Index >= Schema.Count || Schema[column.Index].Name != column.Name)
            {
                throw new ArgumentException($"Column '{column.Name}' is not a column of this data view.", nameof(columnsNeeded));
            }

            active[column.Index] = true;
        }

        return RowSchedule.Create(RowCount, count, rand)
            .Select(schedule => (DataViewRowCursor)new SequenceRowCursor(Schema, schedule, active, CreateReader()))
            .ToArray();
    }
}
