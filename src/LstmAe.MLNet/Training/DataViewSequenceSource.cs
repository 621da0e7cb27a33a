using LstmAe.MLNet.Schema;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Training;

/// <summary>
/// An <see cref="ISequenceSource"/> streaming one column of an <see cref="IDataView"/> through a cursor, one row
/// at a time, so training never holds more of the data than the trainer's batch. Each epoch is shuffled by the
/// view's cursor with <c>seed + epoch</c> where the view can shuffle; where it cannot, every epoch has the view's
/// order and the estimator logs a warning naming the view. With a <see cref="RowSplit"/>, only the rows on one side pass.
/// </summary>
internal sealed class DataViewSequenceSource : ISequenceSource
{
    private readonly IDataView _data;
    private readonly DataViewSchema.Column _column;
    private readonly int _seed;
    private readonly RowSplit? _split;
    private readonly bool _validationSide;

    /// <summary>The count of a completed pass; ML.NET views do not change, so one pass serves the whole Fit.</summary>
    private long? _counted;

    /// <summary>Streams a column of frames.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="columnName">The column of frames, already checked against <paramref name="layout"/>.</param>
    /// <param name="layout">How frames lie in the column.</param>
    /// <param name="seed">Epoch e is shuffled with seed + e.</param>
    /// <param name="split">When set, keeps only the rows on one side of it.</param>
    /// <param name="validationSide">Which side of <paramref name="split"/> to keep.</param>
    public DataViewSequenceSource(IDataView data, string columnName, FrameLayout layout, int seed,
        RowSplit? split = null, bool validationSide = false)
    {
        _data = data;
        _column = data.Schema[columnName];
        SequenceLength = layout.SequenceLength;
        _seed = seed;
        _split = split;
        _validationSide = validationSide;
    }

    /// <inheritdoc/>
    public int SequenceLength { get; }

    /// <summary>False when the view cannot shuffle, so every epoch has the data's order.</summary>
    public bool Shuffles => _data.CanShuffle;

    /// <inheritdoc/>
    /// <remarks>The view's row count where it knows it and there is no split; otherwise a pass of a cursor with no
    /// active columns (nothing upstream that only the frames need is computed) that reads only the row ids, kept
    /// for the next call once it completes.</remarks>
    public long? CountWithoutReading(CancellationToken cancellationToken)
    {
        if (_split is null && _data.GetRowCount() is { } known) return known;
        if (_counted is { } counted) return counted;
        using DataViewRowCursor cursor = _data.GetRowCursor([]);
        ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
        DataViewRowId rowId = default;
        long count = 0;
        while (!cancellationToken.IsCancellationRequested && cursor.MoveNext())
        {
            id(ref rowId);
            if (_split is null || _split.IsValidation(rowId) == _validationSide) count++;
        }
        if (!cancellationToken.IsCancellationRequested) _counted = count;
        return count;
    }

    /// <inheritdoc/>
    public IEnumerable<ReadOnlyMemory<float>> Read(int epoch)
    {
        using DataViewRowCursor cursor = _data.CanShuffle
            ? _data.GetRowCursor([_column], new Random(unchecked(_seed + epoch)))
            : _data.GetRowCursor([_column]);
        var frames = new FrameReader(cursor, _column, SequenceLength);
        ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
        DataViewRowId rowId = default;
        var sequence = new float[SequenceLength];
        while (cursor.MoveNext())
        {
            if (_split is not null)
            {
                id(ref rowId);
                if (_split.IsValidation(rowId) != _validationSide)
                    continue;
            }
            frames.Read(sequence);
            yield return sequence;
        }
    }
}
