using LstmAe.MLNet.Tests.Support;
using LstmAe.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests;

/// <summary>
/// A bfloat16 model's transform stages each row's frames in the format the encoder reads (bfloat16, or float32 when
/// the reconstruction error compares them): its features are the raw model's bit for bit on the same batches (a
/// product's rounding may depend on its row count), with or without that column, a partial last batch included; the
/// cursors of a set each stage their own rows.
/// </summary>
[TestClass]
public sealed class BFloat16TransformTests
{
    private const int RowCount = 13;
    private const int BatchSize = 5; // TinySequences' TransformBatchSize: the last batch is partial

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void FeaturesAreTheRawModelsBitForBit(bool withReconstructionError)
    {
        var ml = new MLContext(seed: 1);
        using LstmAutoEncoderTransformer transformer = TinySequences.Fit(ml, adjust: o =>
        {
            o.Model = o.Model with { MatrixPrecision = MatrixPrecision.BFloat16 };
            if (withReconstructionError) o.ReconstructionErrorColumnName = "Error";
        });
        TinySequences.Row[] rows = TinySequences.Rows(RowCount, seed: 3);
        float[] flat = rows.SelectMany(r => r.Frames).ToArray();

        IDataView output = transformer.Transform(ml.Data.LoadFromEnumerable(rows));
        float[] actual = TinySequences.ReadVectors(output, "Features").SelectMany(f => f).ToArray();

        CollectionAssert.AreEqual(
            Bits(ByBatch(flat, (rows, count) => transformer.Model.Encode(rows, count, EncoderFeatures.LastLayerHiddenAndCell))),
            Bits(actual));
        if (withReconstructionError)
        {
            float[] errors = output.GetColumn<float>(output.Schema["Error"]).ToArray();
            CollectionAssert.AreEqual(Bits(ByBatch(flat, (rows, count) => transformer.Model.ReconstructionError(rows, count))), Bits(errors));
        }
    }

    [TestMethod]
    public void ParallelCursorsEachStageTheirOwnRows()
    {
        var ml = new MLContext(seed: 1);
        using LstmAutoEncoderTransformer transformer = TinySequences.Fit(ml, adjust: o =>
            o.Model = o.Model with { MatrixPrecision = MatrixPrecision.BFloat16 });
        IDataView output = transformer.Transform(ml.Data.Cache(ml.Data.LoadFromEnumerable(TinySequences.Rows(RowCount, seed: 3))));
        DataViewSchema.Column[] columns = [output.Schema["Id"], output.Schema["Features"]];
        Dictionary<string, float[]> sequential = ReadById(output.GetRowCursor(columns));

        DataViewRowCursor[] set = output.GetRowCursorSet(columns, n: 3);
        Assert.IsGreaterThan(1, set.Length, "the cached view should split into several cursors");
        var parallel = new Dictionary<string, float[]>();
        Parallel.ForEach(set, cursor =>
        {
            foreach (var (id, features) in ReadById(cursor))
                lock (parallel) parallel.Add(id, features);
        });

        // A cursor of the set batches other rows together, and a product over another number of rows may sum in
        // another order: float32 rounding, about 1e-6 for these sizes. A row read from another cursor's buffer would
        // be another sequence's features, off by far more.
        Assert.AreEqual(RowCount, parallel.Count);
        foreach (var (id, features) in sequential)
        {
            for (int i = 0; i < features.Length; i++)
                Assert.AreEqual(features[i], parallel[id][i], 1e-4f, $"row {id}, feature {i}");
        }
    }

    /// <summary>Each row's features by id; disposes <paramref name="cursor"/>.</summary>
    private static Dictionary<string, float[]> ReadById(DataViewRowCursor cursor)
    {
        using (cursor)
        {
            var rows = new Dictionary<string, float[]>();
            ValueGetter<ReadOnlyMemory<char>> id = cursor.GetGetter<ReadOnlyMemory<char>>(cursor.Schema["Id"]);
            ValueGetter<VBuffer<float>> features = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Features"]);
            ReadOnlyMemory<char> idValue = default;
            VBuffer<float> featureValues = default;
            while (cursor.MoveNext())
            {
                id(ref idValue);
                features(ref featureValues);
                rows.Add(idValue.ToString(), featureValues.DenseValues().ToArray());
            }
            return rows;
        }
    }

    /// <summary><paramref name="compute"/> on the batches the transform runs, concatenated.</summary>
    private static float[] ByBatch(float[] flat, Func<float[], int, float[]> compute)
    {
        int length = flat.Length / RowCount;
        return Enumerable.Range(0, (RowCount + BatchSize - 1) / BatchSize).SelectMany(batch =>
        {
            int first = batch * BatchSize, count = Math.Min(BatchSize, RowCount - first);
            return compute(flat[(first * length)..((first + count) * length)], count);
        }).ToArray();
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
