using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>
/// Holds one input column's values for each row of a read-ahead batch, so the batched cursor can serve
/// pass-through columns for its current row after the input cursor has moved on. Values are copied (vectors
/// deeply), because an input cursor may reuse its buffers on every move.
/// </summary>
internal abstract class ColumnCache
{
    /// <summary>A cache of <paramref name="capacity"/> rows of <paramref name="column"/> read from <paramref name="input"/>.</summary>
    public static ColumnCache Create(DataViewRow input, DataViewSchema.Column column, int capacity)
    {
        Type cache = column.Type is VectorDataViewType vector
            ? typeof(VectorColumnCache<>).MakeGenericType(vector.ItemType.RawType)
            : typeof(ScalarColumnCache<>).MakeGenericType(column.Type.RawType);
        return (ColumnCache)Activator.CreateInstance(cache, input, column, capacity)!;
    }

    /// <summary>Stores the input's current value in <paramref name="slot"/>.</summary>
    public abstract void Capture(int slot);

    /// <summary>A <see cref="ValueGetter{TValue}"/> of the value in the slot <paramref name="currentSlot"/> names.</summary>
    public abstract Delegate CreateGetter(Func<int> currentSlot);
}

/// <summary>Cache of a scalar column; text is copied so it outlives the input's buffers.</summary>
internal sealed class ScalarColumnCache<T> : ColumnCache
{
    private readonly ValueGetter<T> _source;
    private readonly T[] _values;

    public ScalarColumnCache(DataViewRow input, DataViewSchema.Column column, int capacity)
    {
        _source = input.GetGetter<T>(column);
        _values = new T[capacity];
    }

    public override void Capture(int slot)
    {
        _source(ref _values[slot]);
        if (typeof(T) == typeof(ReadOnlyMemory<char>))
        {
            ref ReadOnlyMemory<char> text = ref Unsafe.As<T, ReadOnlyMemory<char>>(ref _values[slot]);
            text = text.ToArray();
        }
    }

    public override Delegate CreateGetter(Func<int> currentSlot) =>
        (ValueGetter<T>)((ref T value) => value = _values[currentSlot()]);
}

/// <summary>Cache of a vector column, one owned buffer per slot.</summary>
internal sealed class VectorColumnCache<TItem> : ColumnCache
{
    private readonly ValueGetter<VBuffer<TItem>> _source;
    private readonly VBuffer<TItem>[] _values;
    private VBuffer<TItem> _scratch;

    public VectorColumnCache(DataViewRow input, DataViewSchema.Column column, int capacity)
    {
        _source = input.GetGetter<VBuffer<TItem>>(column);
        _values = new VBuffer<TItem>[capacity];
    }

    public override void Capture(int slot)
    {
        _source(ref _scratch);
        _scratch.CopyTo(ref _values[slot]);
    }

    public override Delegate CreateGetter(Func<int> currentSlot) =>
        (ValueGetter<VBuffer<TItem>>)((ref VBuffer<TItem> value) => _values[currentSlot()].CopyTo(ref value));
}
