using LstmAe.MLNet.Tests.Support;
using LstmAe.Model;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace LstmAe.MLNet.Tests;

/// <summary>The lazy batched transform: same values as one-row-at-a-time prediction and as the raw model, in
/// every cursor arrangement, with input columns passed through.</summary>
[TestClass]
public sealed class TransformTests
{
    private const int RowCount = 13; // not a multiple of the transform batch (5): the last batch is partial

    private static readonly int[] FrameShape = [TinySequences.InputFrames, TinySequences.Height, TinySequences.Width];
    private static readonly MLContext Ml = new(seed: 1);
    private static LstmAutoEncoderTransformer s_transformer = null!;
    private static TinySequences.Row[] s_rows = null!;
    private static IDataView s_output = null!;

    [ClassInitialize]
    public static void FitOnce(TestContext _)
    {
        s_transformer = TinySequences.Fit(Ml, adjust: o =>
        {
            o.ReconstructionColumnName = "Reconstruction";
            o.PredictionColumnName = "Prediction";
            o.ReconstructionErrorColumnName = "Error";
        });
        s_rows = TinySequences.Rows(RowCount, seed: 3);
        // Cached: a view that can shuffle and split into cursor sets, like a real loader.
        s_output = s_transformer.Transform(Ml.Data.Cache(Ml.Data.LoadFromEnumerable(s_rows)));
    }

    [ClassCleanup]
    public static void Release() => s_transformer.Dispose();

    public sealed class Outputs
    {
        public float[] Features { get; set; } = [];
        public float[] Reconstruction { get; set; } = [];
        public float[] Prediction { get; set; } = [];
        public float Error { get; set; }
        public string Id { get; set; } = "";
    }

    [TestMethod]
    public void OutputSchemaHasKnownSizes()
    {
        DataViewSchema schema = s_output.Schema;
        Assert.AreEqual(2 * 8, ((VectorDataViewType)schema["Features"].Type).Size); // the default: h and c
        CollectionAssert.AreEqual(FrameShape, ((VectorDataViewType)schema["Reconstruction"].Type).Dimensions.ToArray());
        CollectionAssert.AreEqual(FrameShape, ((VectorDataViewType)schema["Prediction"].Type).Dimensions.ToArray());
        Assert.AreEqual(NumberDataViewType.Single, schema["Error"].Type);
        Assert.AreEqual(TextDataViewType.Instance, schema["Id"].Type);
    }

    [TestMethod]
    public void BatchedTransformMatchesTheRawModel()
    {
        float[] flat = s_rows.SelectMany(r => r.Frames).ToArray();
        float[] expected = s_transformer.Model.Encode(flat, RowCount, EncoderFeatures.LastLayerHiddenAndCell);
        float[] actual = TinySequences.ReadVectors(s_output, "Features").SelectMany(f => f).ToArray();
        AssertClose(expected, actual, 1e-6f);
        Outputs[] outputs = Ml.Data.CreateEnumerable<Outputs>(s_output, reuseRowObject: false).ToArray();
        AssertClose(s_transformer.Model.Reconstruct(flat, RowCount), outputs.SelectMany(p => p.Reconstruction).ToArray(), 1e-6f);
        AssertClose(s_transformer.Model.Predict(flat, RowCount), outputs.SelectMany(p => p.Prediction).ToArray(), 1e-6f);
        AssertClose(s_transformer.Model.ReconstructionError(flat, RowCount), outputs.Select(p => p.Error).ToArray(), 1e-6f);
    }

    [TestMethod]
    public void BatchedTransformMatchesPredictionEngineRowByRow()
    {
        Outputs[] batched = Ml.Data.CreateEnumerable<Outputs>(s_output, reuseRowObject: false).ToArray();
        var engine = Ml.Model.CreatePredictionEngine<TinySequences.Row, Outputs>(s_transformer);
        Assert.AreEqual(RowCount, batched.Length);
        for (int i = 0; i < RowCount; i++)
        {
            Outputs single = engine.Predict(s_rows[i]);
            AssertClose(single.Features, batched[i].Features, 1e-6f);
            AssertClose(single.Reconstruction, batched[i].Reconstruction, 1e-6f);
            AssertClose(single.Prediction, batched[i].Prediction, 1e-6f);
            Assert.AreEqual(single.Error, batched[i].Error, 1e-6f);
            Assert.AreEqual(s_rows[i].Id, batched[i].Id);
            Assert.AreEqual(s_rows[i].Id, single.Id);
        }
    }

    [TestMethod]
    public void ParallelCursorsGiveTheSameValuesAsOneCursor()
    {
        DataViewSchema.Column[] columns = [s_output.Schema["Id"], s_output.Schema["Features"], s_output.Schema["Error"]];
        var sequential = ReadById(s_output.GetRowCursor(columns));
        DataViewRowCursor[] set = s_output.GetRowCursorSet(columns, n: 3);
        Assert.IsGreaterThan(1, set.Length, "the cached view should split into several cursors");
        var parallel = new Dictionary<string, (float[], float)>();
        Parallel.ForEach(set, cursor =>
        {
            foreach (var (id, value) in ReadById(cursor))
                lock (parallel) parallel.Add(id, value);
        });
        Assert.AreEqual(RowCount, parallel.Count);
        foreach (var (id, (features, error)) in sequential)
        {
            CollectionAssert.AreEqual(features, parallel[id].Item1, $"row {id}");
            Assert.AreEqual(error, parallel[id].Item2, $"row {id}");
        }
    }

    [TestMethod]
    public void InputColumnsPassThroughUnchanged()
    {
        TinySequences.Row[] passed = Ml.Data.CreateEnumerable<TinySequences.Row>(s_output, reuseRowObject: false).ToArray();
        for (int i = 0; i < RowCount; i++)
        {
            CollectionAssert.AreEqual(s_rows[i].Frames, passed[i].Frames);
            Assert.AreEqual(s_rows[i].Label, passed[i].Label);
            Assert.AreEqual(s_rows[i].Id, passed[i].Id);
        }
    }

    [TestMethod]
    public void ShuffledCursorsKeepRowsAndTheirOutputsTogether()
    {
        var inOrder = ReadById(s_output.GetRowCursor(s_output.Schema));
        var shuffled = ReadById(s_output.GetRowCursor(s_output.Schema, new Random(5)));
        CollectionAssert.AreNotEqual(inOrder.Select(r => r.Id).ToArray(), shuffled.Select(r => r.Id).ToArray());
        var byId = inOrder.ToDictionary(r => r.Id, r => r.Value);
        foreach (var (id, (features, _)) in shuffled)
            AssertClose(byId[id].Item1, features, 1e-6f);
    }

    private sealed class SparseRow
    {
        [VectorType(TinySequences.InputFrames + TinySequences.FutureFrames, TinySequences.Height, TinySequences.Width)]
        public VBuffer<float> Frames { get; set; }
    }

    [TestMethod]
    public void SparseFramesEncodeLikeDenseOnes()
    {
        SparseRow[] sparse = s_rows.Select(r =>
        {
            int[] indices = Enumerable.Range(0, r.Frames.Length).Where(i => r.Frames[i] != 0).ToArray();
            return new SparseRow { Frames = new VBuffer<float>(r.Frames.Length, indices.Length, indices.Select(i => r.Frames[i]).ToArray(), indices) };
        }).ToArray();
        Assert.IsFalse(sparse[0].Frames.IsDense);

        var fromSparse = TinySequences.ReadVectors(s_transformer.Transform(Ml.Data.LoadFromEnumerable(sparse)), "Features");
        var fromDense = TinySequences.ReadVectors(s_output, "Features");
        for (int i = 0; i < RowCount; i++)
            CollectionAssert.AreEqual(fromDense[i], fromSparse[i], $"row {i}");
    }

    private sealed class RowWithImage
    {
        [VectorType(TinySequences.InputFrames + TinySequences.FutureFrames, TinySequences.Height, TinySequences.Width)]
        public float[] Frames { get; set; } = [];

        [ImageType(2, 2)]
        public MLImage? Image { get; set; }
    }

    [TestMethod]
    public void ObjectColumnsAreRejectedByNameRatherThanKeptByReference()
    {
        RowWithImage[] rows = s_rows.Take(3).Select(r => new RowWithImage
        {
            Frames = r.Frames,
            Image = MLImage.CreateFromPixels(2, 2, MLPixelFormat.Bgra32, new byte[2 * 2 * 4]),
        }).ToArray();
        IDataView output = s_transformer.Transform(Ml.Data.LoadFromEnumerable(rows));

        // The read-ahead cannot copy an image, and upstream may reuse or dispose it once the input cursor moves on.
        var e = Assert.ThrowsExactly<NotSupportedException>(() => output.GetRowCursor(output.Schema));
        StringAssert.Contains(e.Message, "'Image'");
        Assert.ThrowsExactly<NotSupportedException>(() => output.GetRowCursorSet(output.Schema, n: 2));
        Assert.HasCount(3, TinySequences.ReadVectors(output, "Features"));
        foreach (RowWithImage row in rows) row.Image!.Dispose();
    }

    [TestMethod]
    public void OnlyRequestedColumnsAreActive()
    {
        using DataViewRowCursor cursor = s_output.GetRowCursor([s_output.Schema["Id"]]);
        Assert.IsTrue(cursor.IsColumnActive(s_output.Schema["Id"]));
        Assert.IsFalse(cursor.IsColumnActive(s_output.Schema["Features"]));
        Assert.IsFalse(cursor.IsColumnActive(s_output.Schema["Frames"]));
        int rows = 0;
        while (cursor.MoveNext()) rows++;
        Assert.AreEqual(RowCount, rows);
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(s_output.Schema["Features"]));
    }

    private static List<(string Id, (float[], float) Value)> ReadById(DataViewRowCursor cursor)
    {
        using (cursor)
        {
            var rows = new List<(string, (float[], float))>();
            var id = cursor.GetGetter<ReadOnlyMemory<char>>(cursor.Schema["Id"]);
            var features = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Features"]);
            var error = cursor.GetGetter<float>(cursor.Schema["Error"]);
            ReadOnlyMemory<char> idValue = default;
            VBuffer<float> featureValue = default;
            float errorValue = 0;
            while (cursor.MoveNext())
            {
                id(ref idValue);
                features(ref featureValue);
                error(ref errorValue);
                rows.Add((idValue.ToString(), (featureValue.DenseValues().ToArray(), errorValue)));
                Assert.AreEqual(rows.Count - 1, cursor.Position);
            }
            // Past the end a cursor is back at -1, as ML.NET's own cursors are.
            Assert.AreEqual(-1L, cursor.Position, "Position after the last row");
            Assert.IsFalse(cursor.MoveNext());
            Assert.AreEqual(-1L, cursor.Position, "Position after moving past the end again");
            return rows;
        }
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {actual[i]}"); // false on NaN
    }
}
