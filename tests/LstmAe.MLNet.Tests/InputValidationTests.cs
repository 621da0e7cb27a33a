using System.Globalization;
using System.Text.RegularExpressions;
using LstmAe.MLNet.Internal;
using LstmAe.MLNet.Tests.Support;
using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests;

/// <summary>Every bad input fails with a .NET exception naming the column and the expected shape.</summary>
[TestClass]
public sealed class InputValidationTests
{
    private sealed class DoubleFrames
    {
        [VectorType(8, 6, 6)]
        public double[] Frames { get; set; } = new double[288];
    }

    private sealed class ScalarFrames
    {
        public float Frames { get; set; }
    }

    private sealed class UnknownSizeFrames
    {
        public float[] Frames { get; set; } = new float[288];
    }

    private sealed class WrongSizeFrames
    {
        [VectorType(100)]
        public float[] Frames { get; set; } = new float[100];
    }

    private sealed class WrongFrameShape
    {
        [VectorType(8, 5, 6)]
        public float[] Frames { get; set; } = new float[240];
    }

    private sealed class FlatFrames
    {
        [VectorType(TinySequences.InputFrames * 36)]
        public float[] Frames { get; set; } = new float[TinySequences.InputFrames * 36];
    }

    private static readonly MLContext Ml = new(seed: 1);
    private static LstmAutoEncoderTransformer s_fitted = null!;

    [ClassInitialize]
    public static void FitOnce(TestContext _) => s_fitted = TinySequences.Fit(Ml);

    [ClassCleanup]
    public static void Release() => s_fitted.Dispose();

    [TestMethod]
    public void NonFiniteLearningRateAndHugeTransformBatchAreRefusedNamingTheOption()
    {
        IDataView data = TinySequences.Load(Ml, 4, seed: 2);

        var rate = Assert.ThrowsExactly<ArgumentException>(() =>
            Ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.Training = o.Training with { LearningRate = double.PositiveInfinity })).Fit(data));
        StringAssert.Contains(rate.Message, "LearningRate must be positive and finite");

        var batch = Assert.ThrowsExactly<ArgumentException>(() =>
            Ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.TransformBatchSize = int.MaxValue)).Fit(data));
        StringAssert.Contains(batch.Message, $"TransformBatchSize must be between 1 and {LstmAutoEncoderOptions.MaxTransformBatchSize}");
    }

    [TestMethod]
    public void MissingColumnIsNamed()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new ScalarFrames() });
        var options = TinySequences.Options(o => o.InputColumnName = "Sequences");
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.LstmAutoEncode(options).Fit(data));
        StringAssert.Contains(e.Message, "'Sequences' not found; expected a vector of Single shaped [4, 64, 64] (16384 floats) or [8, 64, 64]");
        StringAssert.Contains(e.Message, "'Frames'");

        var schemaError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.LstmAutoEncode(options)
            .GetOutputSchema(Shape("Frames", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single)));
        StringAssert.Contains(schemaError.Message, "'Sequences'");
    }

    [TestMethod]
    public void NonFloatVectorIsRejectedWithItsType()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new DoubleFrames() });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_fitted.Transform(data));
        StringAssert.Contains(e.Message, "Column 'Frames' has type Vector<Double");
        StringAssert.Contains(e.Message, "expected a vector of Single (float32) shaped [4, 6, 6] (144 floats) or [8, 6, 6] (288 floats)");
        var shapeError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.LstmAutoEncode(TinySequences.Options())
            .GetOutputSchema(Shape("Frames", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Double)));
        StringAssert.Contains(shapeError.Message, "Column 'Frames' has type Vector of Double");
    }

    [TestMethod]
    public void ScalarIsRejected()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new ScalarFrames() });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => Ml.Transforms.LstmAutoEncode(TinySequences.Options()).Fit(data));
        StringAssert.Contains(e.Message, "Column 'Frames' has type Single");
    }

    [TestMethod]
    public void UnknownSizeIsRejected()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new UnknownSizeFrames() });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_fitted.GetOutputSchema(data.Schema));
        StringAssert.Contains(e.Message, "Column 'Frames'");
        StringAssert.Contains(e.Message, "unknown size");
        var shapeError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.LstmAutoEncode(TinySequences.Options())
            .GetOutputSchema(Shape("Frames", SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Single)));
        StringAssert.Contains(shapeError.Message, "unknown size");
    }

    [TestMethod]
    public void WrongSizeNamesTheExpectedShapes()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new WrongSizeFrames() });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_fitted.Transform(data));
        StringAssert.Contains(e.Message, "Column 'Frames' has type Vector<Single, 100> (100 floats)");
        StringAssert.Contains(e.Message, "[4, 6, 6] (144 floats) or [8, 6, 6] (288 floats)");
    }

    [TestMethod]
    public void WrongFrameSizeIsRejectedEvenWhenTheTotalFits()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new WrongFrameShape() });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_fitted.Transform(data));
        StringAssert.Contains(e.Message, "Vector<Single, 8, 5, 6>");
    }

    [TestMethod]
    public void InputFramesOnlyAreEnoughToTransformButNotToTrainPrediction()
    {
        IDataView data = Ml.Data.LoadFromEnumerable(new[] { new FlatFrames() });
        Assert.AreEqual(1, TinySequences.ReadVectors(s_fitted.Transform(data), "Features").Count);

        var options = TinySequences.Options(o => (o.FrameHeight, o.FrameWidth) = (6, 6));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Ml.Transforms.LstmAutoEncode(options).Fit(data));
        StringAssert.Contains(e.Message, "Column 'Frames' holds 4 frames");
        StringAssert.Contains(e.Message, "[8, 6, 6]");

        options.Model = options.Model with { Mode = AutoEncoderMode.ReconstructionOnly };
        using LstmAutoEncoderTransformer reconstructionOnly = Ml.Transforms.LstmAutoEncode(options).Fit(data);
        Assert.AreEqual(AutoEncoderMode.ReconstructionOnly, reconstructionOnly.Model.Options.Mode);
    }

    [TestMethod]
    public void NaNFailsTrainingAndTransformNamingColumnAndRow()
    {
        TinySequences.Row[] rows = TinySequences.Rows(6);
        rows[4].Frames[17] = float.NaN;
        IDataView data = Ml.Data.LoadFromEnumerable(rows);

        var training = Assert.ThrowsExactly<InvalidOperationException>(
            () => Ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.Training = o.Training with { BatchSize = 2 })).Fit(data));
        StringAssert.Contains(training.Message, "Column 'Frames' row 4 holds NaN at index 17");

        var transform = Assert.ThrowsExactly<InvalidOperationException>(
            () => TinySequences.ReadVectors(s_fitted.Transform(data), "Features"));
        StringAssert.Contains(transform.Message, "Column 'Frames' row 4 holds NaN");

        var engine = Ml.Model.CreatePredictionEngine<TinySequences.Row, FeaturesOnly>(s_fitted);
        Assert.ThrowsExactly<InvalidOperationException>(() => engine.Predict(rows[4]));
    }

    [TestMethod]
    public void NaNFoundWhileTrainingShuffledNamesTheRowNotTheReadingOrder()
    {
        TinySequences.Row[] rows = TinySequences.Rows(20);
        rows[13].Frames[17] = float.NaN;
        IDataView data = Ml.Data.Cache(Ml.Data.LoadFromEnumerable(rows)); // a cache can shuffle: training does

        var training = Assert.ThrowsExactly<InvalidOperationException>(
            () => Ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.Training = o.Training with { BatchSize = 2 })).Fit(data));

        StringAssert.Matches(training.Message, new Regex(
            @"^Column 'Frames' row 13 \(read at position (\d+) of a shuffled or filtered cursor\) holds NaN at index 17; frames must be finite\.$"));
    }

    [TestMethod]
    public void InfinityIsNamedTheSameWhateverTheCulture()
    {
        TinySequences.Row[] rows = TinySequences.Rows(2);
        rows[1].Frames[3] = float.NegativeInfinity;
        IDataView data = Ml.Data.LoadFromEnumerable(rows);
        CultureInfo culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR"); // writes "-∞"
            var e = Assert.ThrowsExactly<InvalidOperationException>(
                () => TinySequences.ReadVectors(s_fitted.Transform(data), "Features"));
            StringAssert.Contains(e.Message, "row 1 holds -Infinity at index 3");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [TestMethod]
    public void OutputsTheModelCannotProduceAreRejected()
    {
        var options = TinySequences.Options(o =>
        {
            o.Model = o.Model with { Mode = AutoEncoderMode.ReconstructionOnly };
            o.PredictionColumnName = "Future";
        });
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Transforms.LstmAutoEncode(options).Fit(TinySequences.Load(Ml, 4)));
        StringAssert.Contains(e.Message, "'Future' needs the prediction decoder");
    }

    [TestMethod]
    [DataRow("tpu:7")]
    [DataRow("cuda:x")]
    [DataRow("gpu")]
    public void AnUnknownDeviceNamesTheOptionAndTheValidDevices(string device)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.Device = device)));

        Assert.AreEqual("options.Device", e.ParamName);
        StringAssert.StartsWith(e.Message, $"options.Device is '{device}'; the devices are \"cpu\", \"cuda\" (the first GPU, " +
            "or the CPU with a warning when CUDA is unavailable) and \"cuda:N\" (GPU N, such as \"cuda:1\").");
    }

    private sealed class FeaturesOnly
    {
        [VectorType(8)]
        public float[] Features { get; set; } = [];
    }

    // SchemaShape has no public way to be made from a schema; the bridge's column constructor stands in.
    private static SchemaShape Shape(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType) =>
        new([MlNetInternals.NewSchemaShapeColumn(name, kind, itemType)]);
}
