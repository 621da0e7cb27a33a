using LstmAe.MLNet.Schema;
using Microsoft.ML;

namespace LstmAe.MLNet.Transform;

/// <summary>What a cursor computes, passes through and reads.</summary>
/// <param name="Computed">Added outputs to compute.</param>
/// <param name="PassThrough">Input columns served as they are.</param>
/// <param name="InputColumns">Input columns the input cursor must make active.</param>
internal sealed record ColumnRequest(
    IReadOnlyList<OutputKind> Computed,
    IReadOnlyList<DataViewSchema.Column> PassThrough,
    IReadOnlyList<DataViewSchema.Column> InputColumns);
