using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Cli.Sequences;

/// <summary>
/// The sequences of an ML.NET data view's frame column ([T, H, W] floats), read once into memory for random
/// access. Used for folders of frame images, which are small enough to hold.
/// </summary>
internal sealed class DataViewSequences : ISequenceCollection
{
    private readonly List<float[]> _sequences = [];
    private readonly IDataView _view;

    public DataViewSequences(IDataView view, string column, string description, int? limit)
    {
        _view = view;
        var frames = view.Schema.GetColumnOrNull(column)
            ?? throw new CliException($"{description} has no column '{column}'.");
        if (frames.Type is not VectorDataViewType { Dimensions.Length: 3 } type)
        {
            throw new CliException($"Column '{column}' of {description} is {frames.Type}, not a [frames, height, width] vector.");
        }
        (FrameCount, FrameHeight, FrameWidth) = (type.Dimensions[0], type.Dimensions[1], type.Dimensions[2]);

        using var cursor = view.GetRowCursor([frames]);
        var getter = cursor.GetGetter<VBuffer<float>>(frames);
        var buffer = default(VBuffer<float>);
        while (_sequences.Count < (limit ?? int.MaxValue) && cursor.MoveNext())
        {
            getter(ref buffer);
            _sequences.Add(buffer.DenseValues().ToArray());
        }
        Description = $"{_sequences.Count} sequences of {description}";
    }

    public string Description { get; }

    public int Count => _sequences.Count;

    public int FrameCount { get; }

    public int FrameHeight { get; }

    public int FrameWidth { get; }

    public void Read(int index, Span<float> destination) => _sequences[index].CopyTo(destination);

    public void Dispose() => (_view as IDisposable)?.Dispose();
}
