using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Transform;

/// <summary>Maps one row at a time, for <see cref="PredictionEngine{TSrc, TDst}"/>: the outputs of a row are
/// computed by a forward pass of one sequence when a getter first asks for them.</summary>
internal sealed class AutoEncoderRowMapper(AutoEncoderBindings bindings) : IRowToRowMapper
{
    /// <inheritdoc/>
    public DataViewSchema InputSchema => bindings.InputSchema;

    /// <inheritdoc/>
    public DataViewSchema OutputSchema => bindings.OutputSchema;

    /// <inheritdoc/>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        bindings.Split(dependingColumns).InputColumns;

    /// <inheritdoc/>
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new EncodedRow(bindings, input, bindings.Split(activeColumns));
}
