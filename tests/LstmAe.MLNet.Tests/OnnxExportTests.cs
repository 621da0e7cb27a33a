using LstmAe.MLNet.Tests.Support;
using LstmAe.Model;
using LstmAe.Onnx;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace LstmAe.MLNet.Tests;

/// <summary>
/// <see cref="LstmAutoEncoderTransformer.ExportOnnx"/> writes the graph of the transformer it is called on: its
/// feature set, its column names and optional outputs, and the row layout of the schema it will score. That a graph
/// computes what its options say is held to a float64 reference in LstmAe.Core.Tests (OnnxExportParityTests).
/// </summary>
[TestClass]
public sealed class OnnxExportTests
{
    private const int FrameSize = TinySequences.Height * TinySequences.Width;

    /// <summary>Rows of the input frames only (a transformer reads input frames, or input then future frames).</summary>
    private sealed class InputRow
    {
        [VectorType(TinySequences.InputFrames, TinySequences.Height, TinySequences.Width)]
        public float[] Frames { get; set; } = [];
    }

    [TestMethod]
    public void TheGraphHasTheTransformersFeaturesColumnsAndRowLayout()
    {
        var ml = new MLContext(seed: 1);
        using var transformer = TinySequences.Fit(ml, adjust: o =>
        {
            o.OutputColumnName = "Embedding";
            o.EncoderFeatures = EncoderFeatures.AllLayersHiddenAndCell;
            o.ReconstructionErrorColumnName = "Surprise";
            o.Model = o.Model with { Layers = 2 };
        });
        IDataView withFuture = TinySequences.Load(ml, 2);
        using var temp = new TempDirectory();
        string path = temp.File("encoder.onnx");

        OnnxExportOptions export = transformer.ExportOnnx(path, withFuture.Schema);

        Assert.IsTrue(export.InputIncludesFutureFrames);
        using var session = new InferenceSession(path);
        Assert.AreEqual("Frames", session.InputMetadata.Keys.Single());
        int[] input = [-1, (TinySequences.InputFrames + TinySequences.FutureFrames) * FrameSize];
        CollectionAssert.AreEqual(input, session.InputMetadata["Frames"].Dimensions);
        string[] outputs = ["Embedding", "Surprise"];
        CollectionAssert.AreEquivalent(outputs, session.OutputMetadata.Keys.ToArray());
        int width = ((VectorDataViewType)transformer.GetOutputSchema(withFuture.Schema)["Embedding"].Type).Size;
        Assert.AreEqual(2 * 2 * 8, width, "h and c of both layers");
        int[] features = [-1, width];
        CollectionAssert.AreEqual(features, session.OutputMetadata["Embedding"].Dimensions);
        Assert.AreEqual(nameof(EncoderFeatures.AllLayersHiddenAndCell), session.ModelMetadata.CustomMetadataMap["lstmae.encoder_features"]);
    }

    [TestMethod]
    public void ColumnsOfInputFramesOnlyGiveAGraphOfInputFramesAndTheDefaultsFollowTheTransformer()
    {
        var ml = new MLContext(seed: 1);
        using var transformer = TinySequences.Fit(ml);
        IDataView inputOnly = ml.Data.LoadFromEnumerable(new[] { new InputRow { Frames = new float[TinySequences.InputFrames * FrameSize] } });
        using var temp = new TempDirectory();
        string path = temp.File("encoder.onnx");

        OnnxExportOptions export = transformer.ExportOnnx(path, inputOnly.Schema);

        Assert.IsFalse(export.InputIncludesFutureFrames);
        Assert.AreEqual(EncoderFeatures.LastLayerHiddenAndCell, export.Features, "LstmAutoEncode's default, not Encode's");
        using var session = new InferenceSession(path);
        int[] input = [-1, TinySequences.InputFrames * FrameSize];
        CollectionAssert.AreEqual(input, session.InputMetadata["Frames"].Dimensions);
        string[] outputs = ["Features"];
        CollectionAssert.AreEqual(outputs, session.OutputMetadata.Keys.ToArray());
        IDataView renamed = ml.Transforms.CopyColumns("Clip", "Frames").Append(ml.Transforms.DropColumns("Frames")).Fit(inputOnly).Transform(inputOnly);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.ExportOnnx(temp.File("other.onnx"), renamed.Schema),
            "a schema without the transformer's frame column");
        Assert.IsFalse(File.Exists(temp.File("other.onnx")));
    }
}
