using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>Cache of a vector column, one owned buffer per slot; text items are copied too.</summary>
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
        if (typeof(TItem) == typeof(ReadOnlyMemory<char>))
        {
            Span<TItem> items = VBufferEditor.CreateFromBuffer(ref _values[slot]).Values;
            foreach (ref TItem item in items)
            {
                ref ReadOnlyMemory<char> text = ref Unsafe.As<TItem, ReadOnlyMemory<char>>(ref item);
                text = Own(text);
            }
        }
    }

    public override Delegate CreateGetter(Func<int> currentSlot) =>
        (ValueGetter<VBuffer<TItem>>)((ref VBuffer<TItem> value) => _values[currentSlot()].CopyTo(ref value));
}
