using LstmAe.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Data;

/// <summary>
/// The sequences of an .npy file as an <see cref="IDataView"/> with one column, <c>Frames</c> ([T, H, W] floats in
/// [0, 1] for uint8 files). Rows are read from the file when a cursor reaches them. The view keeps the
/// file open for its lifetime; dispose it to release the file (and a gzip file's decompressed copy) early.
/// </summary>
internal sealed class NpySequenceDataView : SequenceDataView, IDisposable
{
    private readonly NpySequenceFile _file;

    public NpySequenceDataView(NpySequenceFile file)
        : base(CreateSchema(file), file.SequenceCount)
    {
        _file = file;
    }

    public void Dispose() => _file.Dispose();

    protected override SequenceRowReader CreateReader() => new Reader(_file);

    private static DataViewSchema CreateSchema(NpySequenceFile file)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(SequenceColumnNames.Frames,
            new VectorDataViewType(NumberDataViewType.Single, file.FrameCount, file.FrameHeight, file.FrameWidth));
        return builder.ToSchema();
    }

    private sealed class Reader(NpySequenceFile file) : SequenceRowReader
    {
        public override Delegate CreateGetter(int columnIndex) => (ValueGetter<VBuffer<float>>)GetFrames;

        private void GetFrames(ref VBuffer<float> frames)
        {
            VBufferEditor<float> editor = VBufferEditor.Create(ref frames, file.SequenceLength);
            file.ReadSequence(Row, editor.Values);
            frames = editor.Commit();
        }
    }
}
