using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>
/// Holds one input column's values for each row of a read-ahead batch, so the batched cursor can serve
/// pass-through columns for its current row after the input cursor has moved on. Values are copied (vectors and
/// text deeply), because an input cursor may reuse its buffers on every move.
/// </summary>
internal abstract class ColumnCache
{
    /// <summary>A cache of <paramref name="capacity"/> rows of <paramref name="column"/> read from <paramref name="input"/>.</summary>
    /// <exception cref="NotSupportedException">The column holds objects (such as images) that cannot be copied.</exception>
    public static ColumnCache Create(DataViewRow input, DataViewSchema.Column column, int capacity)
    {
        RequireCopyable(column);
        Type cache = column.Type is VectorDataViewType vector
            ? typeof(VectorColumnCache<>).MakeGenericType(vector.ItemType.RawType)
            : typeof(ScalarColumnCache<>).MakeGenericType(column.Type.RawType);
        return (ColumnCache)Activator.CreateInstance(cache, input, column, capacity)!;
    }

    /// <summary>Throws unless <paramref name="column"/>'s values can be cached: numbers, booleans, keys, dates,
    /// ids and text (the primitive types), or vectors of them. Anything else, such as an image, is an object that
    /// upstream may reuse or dispose and this cache cannot copy.</summary>
    /// <exception cref="NotSupportedException">The column's type is neither primitive nor a vector.</exception>
    public static void RequireCopyable(DataViewSchema.Column column)
    {
        if (column.Type is not (PrimitiveDataViewType or VectorDataViewType))
        {
            throw new NotSupportedException(
                $"Column '{column.Name}' (type {column.Type}) cannot pass through the LSTM autoencoder's batched cursor: " +
                "it reads rows ahead and keeps copies of numbers, text and vectors only, while upstream may reuse or " +
                "dispose objects of this type. Drop the column before the transform, or do not request it from the cursor.");
        }
    }

    /// <summary>Stores the input's current value in <paramref name="slot"/>.</summary>
    public abstract void Capture(int slot);

    /// <summary>A <see cref="ValueGetter{TValue}"/> of the value in the slot <paramref name="currentSlot"/> names.</summary>
    public abstract Delegate CreateGetter(Func<int> currentSlot);

    /// <summary>Copies <paramref name="text"/> into memory of its own.</summary>
    protected static ReadOnlyMemory<char> Own(ReadOnlyMemory<char> text) => text.ToArray();
}
