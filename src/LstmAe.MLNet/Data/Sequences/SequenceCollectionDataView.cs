using LstmAe.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Data;

/// <summary>
/// Any <see cref="ISequenceCollection"/> as an <see cref="IDataView"/>: one row per sequence, read when a cursor
/// reaches it (so cursors shuffle and run in parallel without materialising anything). Columns: <c>Frames</c>
/// ([T, H, W] floats); <c>Label</c> when the collection has labels (a key over its classes, 1-based as ML.NET keys
/// are, with the class names as KeyValues); <c>Name</c> (text) when names are given. Disposing the view disposes
/// the collection.
/// </summary>
internal sealed class SequenceCollectionDataView : SequenceDataView, IDisposable
{
    private readonly ISequenceCollection _data;
    private readonly IReadOnlyList<string>? _names;

    /// <param name="data">The sequences; owned by the view.</param>
    /// <param name="names">A name per sequence for a <c>Name</c> column, or null for none.</param>
    public SequenceCollectionDataView(ISequenceCollection data, IReadOnlyList<string>? names = null)
        : base(CreateSchema(data, names is not null), data.Count)
    {
        if (names is not null && names.Count != data.Count)
        {
            throw new ArgumentException($"{names.Count} names for {data.Count} sequences of {data.Description}.", nameof(names));
        }

        _data = data;
        _names = names;
    }

    /// <summary>The sequences the view reads.</summary>
    public ISequenceCollection Data => _data;

    public void Dispose() => _data.Dispose();

    protected override SequenceRowReader CreateReader() => new Reader(this);

    private static DataViewSchema CreateSchema(ISequenceCollection data, bool named)
    {
        ArgumentNullException.ThrowIfNull(data);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(SequenceColumnNames.Frames,
            new VectorDataViewType(NumberDataViewType.Single, data.FrameCount, data.FrameHeight, data.FrameWidth));
        if (data.ClassNames is { } classes)
        {
            if (classes.Count == 0)
            {
                throw new ArgumentException($"{data.Description} has labels but no classes.", nameof(data));
            }

            builder.AddColumn(SequenceColumnNames.Label, new KeyDataViewType(typeof(uint), classes.Count), KeyValueAnnotations.For(classes));
        }

        if (named)
        {
            builder.AddColumn(SequenceColumnNames.Name, TextDataViewType.Instance);
        }

        return builder.ToSchema();
    }

    private sealed class Reader(SequenceCollectionDataView view) : SequenceRowReader
    {
        public override Delegate CreateGetter(int columnIndex) => view.Schema[columnIndex].Name switch
        {
            SequenceColumnNames.Frames => (ValueGetter<VBuffer<float>>)GetFrames,
            SequenceColumnNames.Label => (ValueGetter<uint>)GetLabel,
            _ => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> name) => name = view._names![Row].AsMemory()),
        };

        private void GetFrames(ref VBuffer<float> frames)
        {
            VBufferEditor<float> editor = VBufferEditor.Create(ref frames, view._data.SequenceLength());
            view._data.ReadSequence(Row, editor.Values);
            frames = editor.Commit();
        }

        // Keys are 1-based; 0 would mean a missing label, which a collection with labels does not have.
        private void GetLabel(ref uint key) => key = (uint)(view._data.Label(Row)
            ?? throw new InvalidDataException($"Sequence {Row} of {view._data.Description} has no label.")) + 1;
    }
}
