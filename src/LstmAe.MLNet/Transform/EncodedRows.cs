using LstmAe.MLNet.Schema;

namespace LstmAe.MLNet.Transform;

/// <summary>The model's outputs for up to <c>capacity</c> rows, one buffer per wanted <see cref="OutputKind"/>,
/// reused from batch to batch.</summary>
internal sealed class EncodedRows
{
    private readonly float[]?[] _buffers = new float[]?[Enum.GetValues<OutputKind>().Length];
    private readonly int[] _rowSizes = new int[Enum.GetValues<OutputKind>().Length];

    /// <summary>Buffers for <paramref name="capacity"/> rows of each kind in <paramref name="wanted"/>.</summary>
    public EncodedRows(BatchEncoder encoder, IEnumerable<OutputKind> wanted, int capacity)
    {
        foreach (OutputKind kind in wanted.Distinct())
        {
            _rowSizes[(int)kind] = encoder.RowSize(kind);
            _buffers[(int)kind] = new float[capacity * _rowSizes[(int)kind]];
        }
    }

    /// <summary>True when some active column needs outputs at all.</summary>
    public bool WantsAny => _buffers.Any(b => b is not null);

    /// <summary>True when outputs of <paramref name="kind"/> are computed.</summary>
    public bool Wants(OutputKind kind) => _buffers[(int)kind] is not null;

    /// <summary>The first <paramref name="rows"/> rows of the buffer of <paramref name="kind"/>, to fill.</summary>
    public Span<float> Buffer(OutputKind kind, int rows) => _buffers[(int)kind].AsSpan(0, rows * _rowSizes[(int)kind]);

    /// <summary>The outputs of <paramref name="kind"/> for row <paramref name="row"/> of the batch.</summary>
    public ReadOnlySpan<float> Row(OutputKind kind, int row) =>
        _buffers[(int)kind].AsSpan(row * _rowSizes[(int)kind], _rowSizes[(int)kind]);
}
