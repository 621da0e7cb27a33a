using Microsoft.ML;

namespace LstmAe.MLNet.Transform;

/// <summary>The lazy result of <see cref="LstmAutoEncoderTransformer.Transform"/>: nothing is computed until a
/// cursor moves, and then only the requested columns, a batch at a time.</summary>
internal sealed class LstmAutoEncoderDataView(IDataView source, AutoEncoderBindings bindings) : IDataView
{
    /// <inheritdoc/>
    public bool CanShuffle => source.CanShuffle;

    /// <inheritdoc/>
    public DataViewSchema Schema => bindings.OutputSchema;

    /// <inheritdoc/>
    public long? GetRowCount() => source.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ColumnRequest request = BatchedRequest(columnsNeeded);
        return new BatchedEncodingCursor(bindings, source.GetRowCursor(request.InputColumns, rand), request);
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        ColumnRequest request = BatchedRequest(columnsNeeded);
        return source.GetRowCursorSet(request.InputColumns, n, rand)
            .Select(input => (DataViewRowCursor)new BatchedEncodingCursor(bindings, input, request))
            .ToArray();
    }

    /// <summary>The columns to compute and pass through, checked before any input cursor opens.</summary>
    /// <exception cref="NotSupportedException">A pass-through column holds objects the read-ahead cannot copy.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed by its last owner.</exception>
    private ColumnRequest BatchedRequest(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        bindings.Encoder.ThrowIfReleased();
        ColumnRequest request = bindings.Split(columnsNeeded);
        foreach (DataViewSchema.Column column in request.PassThrough)
            ColumnCache.RequireCopyable(column);
        return request;
    }
}
