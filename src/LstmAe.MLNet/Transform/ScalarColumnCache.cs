using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>Cache of a scalar column of plain values or text; text is copied so it outlives the input's buffers.</summary>
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
            text = Own(text);
        }
    }

    public override Delegate CreateGetter(Func<int> currentSlot) =>
        (ValueGetter<T>)((ref T value) => value = _values[currentSlot()]);
}
