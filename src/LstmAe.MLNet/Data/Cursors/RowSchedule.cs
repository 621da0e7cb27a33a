using LstmAe.Training;

namespace LstmAe.MLNet.Data;

/// <summary>
/// Which rows one cursor visits, in which order. Rows are dealt in blocks: with k cursors, cursor c takes blocks
/// c, c + k, c + 2k, ... of the (possibly shuffled) row order, and reports the block number as its batch, so
/// ML.NET can merge parallel cursors back into one ordered stream.
/// </summary>
internal sealed class RowSchedule
{
    /// <summary>Rows per block for parallel cursors: small, so work stays balanced and merging stays cheap.</summary>
    public const int BlockSize = 16;

    private readonly Func<long, int>? _order;
    private readonly int _rowCount;
    private readonly int _cursorIndex;
    private readonly int _cursorCount;

    private RowSchedule(Func<long, int>? order, int rowCount, int cursorIndex, int cursorCount)
    {
        _order = order;
        _rowCount = rowCount;
        _cursorIndex = cursorIndex;
        _cursorCount = cursorCount;
    }

    /// <summary>Schedules for <paramref name="cursorCount"/> cursors that together visit every row once.</summary>
    /// <param name="rowCount">Rows in the view.</param>
    /// <param name="cursorCount">At least 1.</param>
    /// <param name="random">Shuffles the row order when given; all cursors share the permutation.</param>
    public static RowSchedule[] Create(int rowCount, int cursorCount, Random? random)
    {
        Func<long, int>? order = random is null || rowCount == 0 ? null : Permutation(rowCount, random);
        return Enumerable.Range(0, cursorCount).Select(c => new RowSchedule(order, rowCount, c, cursorCount)).ToArray();
    }

    /// <summary>Batch of the row at cursor position <paramref name="position"/>: 0 for a lone cursor, else its block.</summary>
    public long BatchAt(long position) => _cursorCount == 1 ? 0 : BlockAt(position);

    /// <summary>The row at cursor position <paramref name="position"/>, or -1 once the cursor has passed its last row.</summary>
    public int RowAt(long position)
    {
        long slot = _cursorCount == 1 ? position : BlockAt(position) * BlockSize + position % BlockSize;
        if (slot >= _rowCount)
        {
            return -1;
        }

        return _order is null ? (int)slot : _order(slot);
    }

    private long BlockAt(long position) => position / BlockSize * _cursorCount + _cursorIndex;

    // The one thing a shuffled cursor stores: 4 bytes per row, never the rows themselves, up to
    // EpochOrder.MaterializedLimit rows; above that a permutation computed per position, in constant memory.
    private static Func<long, int> Permutation(int count, Random random)
    {
        if (count > EpochOrder.MaterializedLimit)
        {
            var permutation = new IndexPermutation(count, (ulong)random.NextInt64());
            return position => (int)permutation[position];
        }

        int[] order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return position => order[position];
    }
}
