using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// Inference on the CPU writes the frames of a bfloat16 model straight in bfloat16, the values its first product
/// would cast them to: the features are bit for bit those of the encoder run on float32 frames. The staging buffer
/// the ML.NET cursor fills row by row gives the same features and words what it refuses.
/// </summary>
[TestClass]
public sealed class InputFrameFormatTests
{
    private const int Count = 5;

    [TestMethod]
    [DataRow(MatrixPrecision.Float32)]
    [DataRow(MatrixPrecision.BFloat16)]
    public void EncodeGivesTheEncodersFeaturesOnFloat32Frames(MatrixPrecision precision)
    {
        var options = TinyModels.Options with { MatrixPrecision = precision };
        using var model = LstmAutoEncoder.Create(options, seed: 2);
        float[] sequences = TinyModels.Sequences(options, Count);

        float[] actual = model.Encode(sequences, Count, EncoderFeatures.AllLayersHiddenAndCell);

        AssertBitIdentical(EncoderOnFloat32Frames(model, sequences), actual);
    }

    [TestMethod]
    [DataRow(MatrixPrecision.Float32, false, ScalarType.Float32)]
    [DataRow(MatrixPrecision.BFloat16, false, ScalarType.BFloat16)]
    [DataRow(MatrixPrecision.BFloat16, true, ScalarType.Float32)] // the reconstruction error compares the frames
    public void BufferedRowsGiveTheSameFeatures(MatrixPrecision precision, bool compareFrames, ScalarType format)
    {
        var options = TinyModels.Options with { MatrixPrecision = precision };
        using var model = LstmAutoEncoder.Create(options, seed: 2);
        float[] sequences = TinyModels.Sequences(options, Count);
        using InputFrameBuffer buffer = model.CreateInputBuffer(capacity: Count + 2, compareFrames);
        Assert.AreEqual(format, buffer.Format);

        for (int row = 0; row < Count; row++)
            Assert.AreEqual(-1, buffer.Write(row, sequences.AsSpan(row * options.FullSequenceLength, options.InputSequenceLength)));
        var features = new float[Count * options.FeatureSize(EncoderFeatures.AllLayersHiddenAndCell)];
        var errors = new float[Count];
        model.Infer(buffer.Take(Count), new InferenceOutputs
        {
            Features = features,
            FeatureSet = EncoderFeatures.AllLayersHiddenAndCell,
            ReconstructionError = compareFrames ? errors : [],
        });

        AssertBitIdentical(EncoderOnFloat32Frames(model, sequences), features);
        if (compareFrames)
            AssertBitIdentical(model.ReconstructionError(sequences, Count), errors);
    }

    [TestMethod]
    public void BufferedRowsBeyondOneInferenceChunkMatchTheHostArrayPath()
    {
        var options = TinyModels.Options with { MatrixPrecision = MatrixPrecision.BFloat16 };
        using var model = LstmAutoEncoder.Create(options, seed: 2);
        const int RowCount = 70; // inference runs chunks of 64 rows: a view of rows 64 to 69 is the second
        float[] sequences = TinyModels.Sequences(options, RowCount);
        using InputFrameBuffer buffer = model.CreateInputBuffer(capacity: RowCount, compareFrames: false);
        for (int row = 0; row < RowCount; row++)
            Assert.AreEqual(-1, buffer.Write(row, sequences.AsSpan(row * options.FullSequenceLength, options.InputSequenceLength)));
        var features = new float[RowCount * options.FeatureSize(EncoderFeatures.LastLayerHidden)];

        model.Infer(buffer.Take(RowCount), new InferenceOutputs { Features = features, FeatureSet = EncoderFeatures.LastLayerHidden });

        AssertBitIdentical(model.Encode(sequences, RowCount), features);
    }

    [TestMethod]
    public void BFloat16FramesStartAFloat32State()
    {
        var options = TinyModels.Options with { MatrixPrecision = MatrixPrecision.BFloat16 };
        using var model = LstmAutoEncoder.Create(options, seed: 2);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        LstmState state = model.Module.Encoder.call(rand(2, options.InputFrames, options.FrameSize).to(ScalarType.BFloat16));

        Assert.AreEqual(ScalarType.Float32, state.Hidden.dtype);
        Assert.AreEqual(ScalarType.Float32, state.Cell.dtype);
    }

    [TestMethod]
    public void ABufferOutlivesTheDisposeScopeItWasMadeIn()
    {
        var options = TinyModels.Options with { MatrixPrecision = MatrixPrecision.BFloat16 };
        using var model = LstmAutoEncoder.Create(options, seed: 2);
        float[] sequences = TinyModels.Sequences(options, 1);
        InputFrameBuffer buffer;
        using (NewDisposeScope())
            buffer = model.CreateInputBuffer(capacity: 1, compareFrames: false);

        using (buffer)
        {
            Assert.AreEqual(-1, buffer.Write(0, sequences.AsSpan(0, options.InputSequenceLength)));
            var features = new float[options.HiddenSize];
            model.Infer(buffer.Take(1), new InferenceOutputs { Features = features });
            AssertBitIdentical(model.Encode(sequences, 1), features);
        }
    }

    [TestMethod]
    public void WriteReportsTheFirstNonFiniteValue()
    {
        var options = TinyModels.Options with { MatrixPrecision = MatrixPrecision.BFloat16 };
        using var buffer = new InputFrameBuffer(options, capacity: 2, ScalarType.BFloat16);
        float[] frames = new float[options.InputSequenceLength];
        frames[17] = float.PositiveInfinity;
        frames[30] = float.NaN;

        Assert.AreEqual(17, buffer.Write(1, frames));
    }

    [TestMethod]
    public void WrongRowsAndLengthsAreRefused()
    {
        var options = TinyModels.Options;
        using var buffer = new InputFrameBuffer(options, capacity: 2, ScalarType.Float32);
        float[] frames = new float[options.InputSequenceLength];

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => buffer.Write(2, frames));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => buffer.Write(-1, frames));
        var e = Assert.ThrowsExactly<ArgumentException>(() => buffer.Write(0, new float[options.FullSequenceLength]));
        StringAssert.Contains(e.Message, $"Expected {options.InputSequenceLength} floats");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => buffer.Take(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => buffer.Take(3));
        Assert.ThrowsExactly<ArgumentException>(() => new InputFrameBuffer(options, 1, ScalarType.Float64));
    }

    /// <summary>Every layer's (h, c) of the encoder run, in eval mode without gradients, on the input frames as a
    /// float32 tensor (the path that casts them inside the first product), laid out as AllLayersHiddenAndCell.</summary>
    private static float[] EncoderOnFloat32Frames(LstmAutoEncoder model, float[] sequences)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        LstmAutoEncoderModelOptions options = model.Options;
        model.Module.eval();
        Tensor input = tensor(sequences).view(Count, options.InputFrames + options.FutureFrames, options.FrameSize)
            .narrow(1, 0, options.InputFrames).contiguous();
        Assert.AreEqual(ScalarType.Float32, input.dtype);
        LstmState state = model.Module.Encoder.call(input);
        Tensor AllLayers(Tensor t) => t.permute(1, 0, 2).reshape(Count, -1);
        return cat([AllLayers(state.Hidden), AllLayers(state.Cell)], 1).data<float>().ToArray();
    }

    private static void AssertBitIdentical(float[] expected, float[] actual) =>
        CollectionAssert.AreEqual(
            expected.Select(BitConverter.SingleToInt32Bits).ToArray(),
            actual.Select(BitConverter.SingleToInt32Bits).ToArray());
}
