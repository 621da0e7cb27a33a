using LstmAe.MLNet.Schema;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>Getters of the added columns, reading the current row's slot of <see cref="EncodedRows"/>.</summary>
internal static class OutputGetters
{
    /// <summary>A <see cref="ValueGetter{TValue}"/> of <paramref name="column"/>: VBuffer&lt;float&gt; for vectors,
    /// float for the reconstruction error.</summary>
    public static Delegate Create(OutputColumn column, EncodedRows rows, Func<int> currentRow)
    {
        OutputKind kind = column.Kind;
        if (kind == OutputKind.ReconstructionError)
            return (ValueGetter<float>)((ref float value) => value = rows.Row(kind, currentRow())[0]);
        return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            ReadOnlySpan<float> source = rows.Row(kind, currentRow());
            VBufferEditor<float> editor = VBufferEditor.Create(ref value, source.Length);
            source.CopyTo(editor.Values);
            value = editor.Commit();
        });
    }
}
