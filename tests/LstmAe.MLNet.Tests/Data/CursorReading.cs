using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests.Data;

/// <summary>Reads views through raw cursors, keyed by row id, so tests can compare any cursor order.</summary>
internal static class CursorReading
{
    /// <summary>Every row a cursor yields: its id and its values of <paramref name="column"/>; checks the cursor's
    /// <c>Position</c> on the way and after the end.</summary>
    public static List<(ulong Id, float[] Values)> ReadVectors(DataViewRowCursor cursor, string column)
    {
        var rows = new List<(ulong, float[])>();
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(cursor.Schema[column]);
        ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
        VBuffer<float> buffer = default;
        DataViewRowId rowId = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            id(ref rowId);
            rows.Add((rowId.Low, buffer.DenseValues().ToArray()));
            Assert.AreEqual(rows.Count - 1, cursor.Position);
        }

        // Past the end a cursor is back at -1 and stays there, as ML.NET's own cursors are.
        Assert.AreEqual(-1L, cursor.Position, "Position after the last row");
        Assert.IsFalse(cursor.MoveNext());
        Assert.AreEqual(-1L, cursor.Position, "Position after moving past the end again");
        return rows;
    }

    /// <summary>Reads the view with one sequential cursor.</summary>
    public static List<(ulong Id, float[] Values)> ReadVectors(IDataView view, string column, Random? random = null)
    {
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema[column]], random);
        return ReadVectors(cursor, column);
    }

    /// <summary>Reads the view with a set of cursors consumed concurrently, one thread each.</summary>
    public static List<(ulong Id, float[] Values)> ReadVectorsInParallel(IDataView view, string column, int cursorCount, Random? random = null)
    {
        DataViewRowCursor[] cursors = view.GetRowCursorSet([view.Schema[column]], cursorCount, random);
        var parts = new List<(ulong, float[])>[cursors.Length];
        Parallel.For(0, cursors.Length, new ParallelOptions { MaxDegreeOfParallelism = cursors.Length }, c =>
        {
            using DataViewRowCursor cursor = cursors[c];
            parts[c] = ReadVectors(cursor, column);
        });
        return parts.SelectMany(p => p).ToList();
    }
}
