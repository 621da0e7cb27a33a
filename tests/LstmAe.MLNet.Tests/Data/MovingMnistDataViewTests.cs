using System.Globalization;
using LstmAe.Data;
using LstmAe.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests.Data;

[TestClass]
public sealed class MovingMnistDataViewTests
{
    private static readonly MovingMnistOptions Small = new() { SequenceCount = 70, FrameCount = 3, Seed = 11 };

    [TestMethod]
    public void SchemaHasFramesAndPerDigitLabelsStartsAndVelocities()
    {
        IDataView view = new MLContext(seed: 1).Data.LoadMovingMnist();
        DataViewSchema schema = view.Schema;

        Assert.AreEqual(10_000L, view.GetRowCount());
        var frames = (VectorDataViewType)schema["Frames"].Type;
        int[] dimensions = [20, 64, 64];
        CollectionAssert.AreEqual(dimensions, frames.Dimensions.ToArray());
        Assert.AreEqual(NumberDataViewType.Single, frames.ItemType);
        string[] columns = ["Frames", "Digit0Label", "Digit0Start", "Digit0Velocity", "Digit1Label", "Digit1Start", "Digit1Velocity"];
        CollectionAssert.AreEqual(columns, schema.Select(c => c.Name).ToArray());
        var label = (KeyDataViewType)schema["Digit1Label"].Type;
        Assert.AreEqual(10UL, label.Count);
        Assert.AreEqual(typeof(uint), label.RawType);
        Assert.AreEqual(2, ((VectorDataViewType)schema["Digit0Velocity"].Type).Size);
    }

    [TestMethod]
    public void SingleDigitHasPlainLabelColumnWithDigitNamesAsKeyValues()
    {
        IDataView view = new MLContext(seed: 1).Data.LoadMovingMnist(new MovingMnistOptions { DigitsPerSequence = 1 });

        string[] columns = ["Frames", "Label", "Start", "Velocity"];
        CollectionAssert.AreEqual(columns, view.Schema.Select(c => c.Name).ToArray());
        VBuffer<ReadOnlyMemory<char>> names = default;
        view.Schema["Label"].GetKeyValues(ref names);
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray(), names.DenseValues().Select(n => n.ToString()).ToArray());
    }

    [TestMethod]
    public void RowsAreTheGeneratorsSequences()
    {
        var generator = new MovingMnistGenerator(Small);
        IDataView view = new MLContext(seed: 1).Data.LoadMovingMnist(Small);
        using DataViewRowCursor cursor = view.GetRowCursor(view.Schema);
        ValueGetter<VBuffer<float>> frames = cursor.GetGetter<VBuffer<float>>(view.Schema["Frames"]);
        ValueGetter<uint> label = cursor.GetGetter<uint>(view.Schema["Digit1Label"]);
        ValueGetter<VBuffer<float>> start = cursor.GetGetter<VBuffer<float>>(view.Schema["Digit0Start"]);
        ValueGetter<VBuffer<float>> velocity = cursor.GetGetter<VBuffer<float>>(view.Schema["Digit1Velocity"]);
        VBuffer<float> values = default;
        uint key = 0;

        for (int row = 0; row < 5; row++)
        {
            Assert.IsTrue(cursor.MoveNext());
            DigitMotion[] motions = generator.SampleMotions(row);
            frames(ref values);
            CollectionAssert.AreEqual(generator.Generate(row), values.DenseValues().ToArray());
            label(ref key);
            Assert.AreEqual((uint)motions[1].Label + 1, key, "keys are 1-based");
            start(ref values);
            CollectionAssert.AreEqual(new[] { motions[0].StartX, motions[0].StartY }, values.DenseValues().ToArray());
            velocity(ref values);
            CollectionAssert.AreEqual(new[] { motions[1].VelocityX, motions[1].VelocityY }, values.DenseValues().ToArray());
        }
    }

    [TestMethod]
    public void SequentialShuffledAndParallelCursorsYieldIdenticalRows()
    {
        IDataView view = new MLContext(seed: 1).Data.LoadMovingMnist(Small);

        var sequential = CursorReading.ReadVectors(view, "Frames");
        var shuffled = CursorReading.ReadVectors(view, "Frames", new Random(5));
        var parallel = CursorReading.ReadVectorsInParallel(view, "Frames", cursorCount: 3);
        var parallelShuffled = CursorReading.ReadVectorsInParallel(view, "Frames", cursorCount: 4, new Random(6));

        CollectionAssert.AreEqual(Enumerable.Range(0, 70).Select(i => (ulong)i).ToArray(), sequential.Select(r => r.Id).ToArray());
        CollectionAssert.AreNotEqual(sequential.Select(r => r.Id).ToArray(), shuffled.Select(r => r.Id).ToArray(), "shuffling changes the order");
        foreach (var other in new[] { shuffled, parallel, parallelShuffled })
        {
            Assert.HasCount(70, other);
            Dictionary<ulong, float[]> byId = other.ToDictionary(r => r.Id, r => r.Values);
            foreach ((ulong id, float[] values) in sequential)
            {
                CollectionAssert.AreEqual(values, byId[id], $"row {id}");
            }
        }
    }

    [TestMethod]
    public void ShuffledCursorsAreReproducibleFromTheirRandom()
    {
        IDataView view = new MLContext(seed: 1).Data.LoadMovingMnist(Small);

        ulong[] first = CursorReading.ReadVectors(view, "Digit0Start", new Random(9)).Select(r => r.Id).ToArray();
        ulong[] again = CursorReading.ReadVectors(view, "Digit0Start", new Random(9)).Select(r => r.Id).ToArray();

        CollectionAssert.AreEqual(first, again);
    }

    [TestMethod]
    public void CursorSetSplitsRowsIntoDisjointBlocksWithIncreasingBatches()
    {
        IDataView view = new MLContext(seed: 1).Data.LoadMovingMnist(Small);
        DataViewRowCursor[] cursors = view.GetRowCursorSet([view.Schema["Digit0Label"]], 3);
        var seen = new List<ulong>();

        Assert.HasCount(3, cursors);
        foreach (DataViewRowCursor cursor in cursors)
        {
            using (cursor)
            {
                ValueGetter<DataViewRowId> id = cursor.GetIdGetter();
                DataViewRowId rowId = default;
                long lastBatch = -1;
                while (cursor.MoveNext())
                {
                    Assert.IsGreaterThanOrEqualTo(lastBatch, cursor.Batch);
                    lastBatch = cursor.Batch;
                    id(ref rowId);
                    seen.Add(rowId.Low);
                }
            }
        }

        CollectionAssert.AreEquivalent(Enumerable.Range(0, 70).Select(i => (ulong)i).ToArray(), seen);
    }

    [TestMethod]
    public void GettersOfInactiveColumnsOrWrongTypesThrow()
    {
        IDataView view = new MLContext(seed: 1).Data.LoadMovingMnist(Small);
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema["Digit0Label"]]);

        Assert.IsTrue(cursor.IsColumnActive(view.Schema["Digit0Label"]));
        Assert.IsFalse(cursor.IsColumnActive(view.Schema["Frames"]));
        var inactive = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema["Frames"]));
        StringAssert.Contains(inactive.Message, "'Frames'");
        var wrongType = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Digit0Label"]));
        StringAssert.Contains(wrongType.Message, "cannot be read as Single");
        ValueGetter<uint> label = cursor.GetGetter<uint>(view.Schema["Digit0Label"]);
        uint key = 0;
        Assert.ThrowsExactly<InvalidOperationException>(() => label(ref key), "before MoveNext");
    }

    [TestMethod]
    public void LabelColumnTrainsAnMlNetMulticlassClassifier()
    {
        var mlContext = new MLContext(seed: 1);
        // A canvas the size of a digit holds it still: plain MNIST classification, which a linear model learns.
        var options = new MovingMnistOptions { DigitsPerSequence = 1, FrameCount = 1, FrameHeight = 28, FrameWidth = 28, SequenceCount = 500 };
        IDataView train = mlContext.Data.LoadMovingMnist(options);
        IDataView test = mlContext.Data.LoadMovingMnist(options with { Split = DataSplit.Test, SequenceCount = 200 });

        var trainer = mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(
            labelColumnName: "Label", featureColumnName: "Frames", maximumNumberOfIterations: 10);
        var model = trainer.Fit(train);
        MulticlassClassificationMetrics metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test), labelColumnName: "Label");

        Assert.IsGreaterThan(0.6, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy} (chance is 0.1)");
    }
}
