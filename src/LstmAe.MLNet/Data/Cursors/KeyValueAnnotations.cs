using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Data;

/// <summary>The KeyValues annotation of a key column: the class names, so MapKeyToValue and a multiclass trainer's
/// PredictedLabel map keys back to them.</summary>
internal static class KeyValueAnnotations
{
    // The annotation kind ML.NET reads key names from (its AnnotationUtils.Kinds.KeyValues is not public).
    private const string KeyValues = "KeyValues";

    /// <summary>Annotations naming key 1 .. n after <paramref name="classNames"/>[0 .. n - 1].</summary>
    public static DataViewSchema.Annotations For(IReadOnlyList<string> classNames)
    {
        var names = new VBuffer<ReadOnlyMemory<char>>(classNames.Count, classNames.Select(c => c.AsMemory()).ToArray());
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.Add(KeyValues, new VectorDataViewType(TextDataViewType.Instance, classNames.Count),
            (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> value) => names.CopyTo(ref value)));
        return annotations.ToAnnotations();
    }
}
