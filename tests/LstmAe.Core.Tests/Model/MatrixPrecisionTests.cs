using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// A BFloat16 model is its Float32 twin up to bf16 rounding, on every decoder path, with float32 weights and
/// gradients.
/// </summary>
[TestClass]
public sealed class MatrixPrecisionTests
{
    private const int Batch = 3;

    [TestMethod]
    [DataRow(DecoderConditioning.Unconditioned)]
    [DataRow(DecoderConditioning.Conditional)]
    [DataRow(DecoderConditioning.TeacherForced)]
    public void BFloat16OutputsAreFloat32sUpToBFloat16Rounding(DecoderConditioning conditioning)
    {
        using var scope = NewDisposeScope();
        using var twins = new Twins(conditioning);

        AutoEncoderOutput expected = twins.Exact.Module.call(twins.Input, twins.Future);
        AutoEncoderOutput actual = twins.Reduced.Module.call(twins.Input, twins.Future);

        // Each is within its own rounding bound of the exact result, so the two are within the sum of the bounds.
        double tolerance = twins.RoundingBound(MatrixPrecision.Float32) + twins.RoundingBound(MatrixPrecision.BFloat16);
        AssertCloseButNotEqual(expected.EncoderState.Hidden, actual.EncoderState.Hidden, tolerance, "encoder h");
        AssertCloseButNotEqual(expected.EncoderState.Cell, actual.EncoderState.Cell, tolerance, "encoder c");
        AssertCloseButNotEqual(expected.ReversedReconstruction!, actual.ReversedReconstruction!, tolerance, "reconstruction");
        AssertCloseButNotEqual(expected.Prediction!, actual.Prediction!, tolerance, "prediction");
    }

    [TestMethod]
    [DataRow(DecoderConditioning.Unconditioned)]
    [DataRow(DecoderConditioning.Conditional)]
    [DataRow(DecoderConditioning.TeacherForced)]
    public void GradientsReachTheSameParametersAndStayFloat32(DecoderConditioning conditioning)
    {
        using var scope = NewDisposeScope();
        using var twins = new Twins(conditioning);

        string[] expected = ParametersWithGradients(twins.Exact, twins.Input, twins.Future);
        string[] actual = ParametersWithGradients(twins.Reduced, twins.Input, twins.Future);

        CollectionAssert.AreEquivalent(expected, actual);
        foreach (var (name, parameter) in twins.Reduced.Module.named_parameters())
        {
            Assert.AreEqual(ScalarType.Float32, parameter.dtype, name);
            if (parameter.grad is not null)
                Assert.AreEqual(ScalarType.Float32, parameter.grad.dtype, $"gradient of {name}");
        }
    }

    private static string[] ParametersWithGradients(LstmAutoEncoder model, Tensor input, Tensor future)
    {
        AutoEncoderOutput output = model.Module.call(input, future);
        (output.ReversedReconstruction!.square().sum() + output.Prediction!.square().sum()).backward();
        return model.Module.named_parameters().Where(p => p.parameter.grad is not null).Select(p => p.name).ToArray();
    }

    private static void AssertCloseButNotEqual(Tensor expected, Tensor actual, double tolerance, string what)
    {
        Assert.AreEqual(ScalarType.Float32, actual.dtype, what);
        double error = (actual - expected).abs().max().item<float>();
        Assert.IsLessThanOrEqualTo(tolerance, error, $"{what}: beyond bf16 rounding");
        Assert.IsGreaterThan(0.0, error, $"{what}: identical, so the products did not run in bf16");
    }

    /// <summary>A Float32 model and a BFloat16 one with the same weights, in training mode without dropout.</summary>
    private sealed class Twins : IDisposable
    {
        public Twins(DecoderConditioning conditioning)
        {
            var options = TinyModels.Options with { Conditioning = conditioning, Dropout = 0 };
            Exact = LstmAutoEncoder.Create(options, seed: 3);
            Reduced = LstmAutoEncoder.Create(options with { MatrixPrecision = MatrixPrecision.BFloat16 }, seed: 3);
            TinyModels.AssertBitIdentical(Exact, Reduced);
            Exact.Module.train();
            Reduced.Module.train();
            float[] values = TinyModels.Sequences(options, Batch);
            _scale = new ReferenceAutoEncoder(Exact).Run(values, Batch, training: true).Scale;
            Tensor sequences = tensor(values).reshape(Batch, options.InputFrames + options.FutureFrames, options.FrameSize);
            Input = sequences[.., ..options.InputFrames];
            Future = sequences[.., options.InputFrames..];
        }

        private readonly ReferenceScale _scale;

        public LstmAutoEncoder Exact { get; }
        public LstmAutoEncoder Reduced { get; }
        public Tensor Input { get; }
        public Tensor Future { get; }

        /// <summary>How far a correct model in <paramref name="precision"/> may be from the exact outputs.</summary>
        public double RoundingBound(MatrixPrecision precision)
        {
            var options = Exact.Options;
            int steps = options.InputFrames + Math.Max(options.InputFrames, options.FutureFrames);
            return RoundingTolerance.Forward(_scale, precision, steps, options.Layers);
        }

        public void Dispose()
        {
            Exact.Dispose();
            Reduced.Dispose();
        }
    }
}
