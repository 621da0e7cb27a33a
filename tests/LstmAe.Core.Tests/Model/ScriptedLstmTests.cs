using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// The cast-and-fuse path a bfloat16 model can take on CUDA (<see cref="ScriptedLstm"/>: libtorch's <c>torch.lstm</c>
/// through TorchScript), checked on the CPU in float64, where libtorch's LSTM is plain ATen arithmetic: it must take
/// the module's weights in the right order, start from the given state, return batch-first outputs in the input's
/// type, and pass gradients back to the module's parameters, all as the float64 runner does (itself held to a
/// reference LSTM). CUDA's bfloat16 kernel is cuDNN's and is measured, not tested, here.
/// </summary>
[TestClass]
public sealed class ScriptedLstmTests
{
    private const int InputSize = 7, Hidden = 6, Batch = 3, Steps = 5;

    /// <summary>Both paths in float64: the same sums in another order, so agreement within a few float64 ulps of
    /// these O(1) values.</summary>
    private const double Tolerance = 1e-12;

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void MatchesTheRunnerForwardAndBackwardInFloat64(int layers)
    {
        using var scope = NewDisposeScope();
        var shape = new StackedLstmShape(InputSize, Hidden, layers, Dropout: 0);
        var (scripted, stepwise) = Modules(shape);
        using var generator = new Generator(3);
        Tensor input = randn(Batch, Steps, InputSize, float64, generator: generator);
        var state = new LstmState(randn(layers, Batch, Hidden, float64, generator: generator), randn(layers, Batch, Hidden, float64, generator: generator));
        Tensor outputWeights = randn(Batch, Steps, Hidden, float64, generator: generator);

        var (output, final) = ScriptedLstm.Run(scripted, shape, input, state, ScalarType.Float64, training: true);
        var (expectedOutput, expectedFinal) = new StackedLstmRunner(stepwise, shape, new MatrixProducts(MatrixPrecision.Float32), training: true).Run(input, Steps, state);
        Loss(output, final, outputWeights).backward();
        Loss(expectedOutput, expectedFinal, outputWeights).backward();

        Assert.AreEqual(ScalarType.Float64, output.dtype);
        AssertClose(expectedOutput, output, "outputs");
        AssertClose(expectedFinal.Hidden, final.Hidden, "final h");
        AssertClose(expectedFinal.Cell, final.Cell, "final c");
        foreach (var (name, parameter) in scripted.named_parameters())
        {
            Tensor expected = stepwise.get_parameter(name)!.grad!;
            Assert.IsNotNull(parameter.grad, $"{name} gets a gradient through the casts");
            AssertClose(expected, parameter.grad, $"gradient of {name}");
        }
    }

    [TestMethod]
    public void ComputesInTheAskedTypeAndAnswersInTheInputs()
    {
        using var scope = NewDisposeScope();
        var (shape, lstm, input) = Float32Lstm(layers: 1, dropout: 0);
        LstmState zero = shape.ZeroState(input);

        using var noGrad = no_grad();
        var (output, final) = ScriptedLstm.Run(lstm, shape, input, zero, ScalarType.Float64, training: false);

        Assert.AreEqual(ScalarType.Float32, output.dtype);
        Assert.AreEqual(ScalarType.Float32, final.Cell.dtype);
        CollectionAssert.AreEqual(new long[] { Batch, Steps, Hidden }, output.shape);
        // Computed in float64 and rounded once to float32: each h (below 1 in magnitude) is within one float32 unit
        // roundoff of the float64 reference LSTM, which float32 arithmetic through these sums would not be.
        double[] expected = ReferenceOutputs(lstm, input);
        float[] actual = output.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.IsLessThanOrEqualTo(RoundingTolerance.Float32UnitRoundoff, Math.Abs(expected[i] - actual[i]), $"output {i}");
    }

    /// <summary>Without gradients the weights' casts may come from a <see cref="WeightOperandCache"/>: reused while
    /// unchanged, renewed after a write.</summary>
    [TestMethod]
    public void KeptCastsGiveTheUncachedResultsBeforeAndAfterAWrite()
    {
        using var scope = NewDisposeScope();
        var (shape, lstm, input) = Float32Lstm(layers: 2, dropout: 0);
        LstmState zero = shape.ZeroState(input);
        using var cache = new WeightOperandCache(ScalarType.Float64);
        using var noGrad = no_grad();
        Tensor Run(WeightOperandCache? casts) => ScriptedLstm.Run(lstm, shape, input, zero, ScalarType.Float64, training: false, casts).Output;

        Tensor before = Run(cache);
        Assert.IsTrue(before.eq(Run(null)).all().item<bool>(), "first call");
        Assert.IsTrue(Run(cache).eq(before).all().item<bool>(), "second call, kept casts");
        lstm.get_parameter("weight_hh_l1")!.mul_(0.5);

        Tensor after = Run(cache);
        Assert.IsTrue(after.eq(Run(null)).all().item<bool>(), "after a write");
        Assert.IsFalse(after.eq(before).all().item<bool>(), "the write changed the outputs");
    }

    /// <summary>The top layer's h at every step of the float64 reference LSTM over <paramref name="input"/>, in
    /// [batch, steps, hidden] order, from a zero state.</summary>
    private static double[] ReferenceOutputs(LSTM lstm, Tensor input)
    {
        var parameters = lstm.named_parameters().ToDictionary(p => p.name, p => p.parameter.to(float64).data<double>().ToArray());
        var reference = new ReferenceLstm(parameters, "", Hidden, layers: 1);
        double[] frames = input.to(float64).data<double>().ToArray();
        var outputs = new List<double>();
        for (int row = 0; row < Batch; row++)
        {
            LstmLayerState[] state = reference.ZeroState();
            for (int t = 0; t < Steps; t++)
                outputs.AddRange(reference.Step(state, frames.AsSpan((row * Steps + t) * InputSize, InputSize).ToArray(), new ReferenceScale()));
        }
        return [.. outputs];
    }

    /// <summary>Dropout between layers is written into the script as a number: a training call with it compiles
    /// and runs (its random masks are not comparable with the runner's).</summary>
    [TestMethod]
    public void TrainsWithDropoutBetweenLayers()
    {
        using var scope = NewDisposeScope();
        var (shape, lstm, input) = Float32Lstm(layers: 2, dropout: 0.25);

        var (output, final) = ScriptedLstm.Run(lstm, shape, input, shape.ZeroState(input), ScalarType.Float64, training: true);
        output.sum().backward();

        CollectionAssert.AreEqual(new long[] { 2, Batch, Hidden }, final.Hidden.shape);
        Assert.IsTrue(lstm.parameters().All(p => p.grad is not null && p.grad.isfinite().all().item<bool>()));
    }

    /// <summary>The call passes only tensors (numbers are written into the script), so calls under concurrent
    /// collections stay sound, as TorchSharp's own number arguments would not.</summary>
    [TestMethod]
    public void SurvivesConcurrentCollections()
    {
        var shape = new StackedLstmShape(InputSize, Hidden, 2, Dropout: 0.25);
        LSTM lstm = shape.CreateModule();
        using var stress = new GarbageCollectionStress();
        GarbageCollectionStress.Repeat(minimum: 200, maximum: 1_000, TimeSpan.FromSeconds(5), call =>
        {
            using var scope = NewDisposeScope();
            Tensor input = rand(Batch, Steps, InputSize);
            var (output, _) = ScriptedLstm.Run(lstm, shape, input, shape.ZeroState(input), ScalarType.Float64, training: call % 2 == 0);
            Assert.IsTrue(output.isfinite().all().item<bool>(), $"call {call}");
        });
        Assert.IsGreaterThan(0L, stress.Collections);
    }

    /// <summary>A float32 module of <paramref name="layers"/> and a random input for it.</summary>
    private static (StackedLstmShape Shape, LSTM Lstm, Tensor Input) Float32Lstm(int layers, double dropout)
    {
        var shape = new StackedLstmShape(InputSize, Hidden, layers, dropout);
        return (shape, shape.CreateModule(), rand(Batch, Steps, InputSize));
    }

    /// <summary>Two float64 modules with the same weights.</summary>
    private static (LSTM, LSTM) Modules(StackedLstmShape shape)
    {
        LSTM first = shape.CreateModule(), second = shape.CreateModule();
        first.to(float64);
        second.to(float64);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in first.named_parameters())
            second.get_parameter(name)!.copy_(parameter);
        return (first, second);
    }

    private static Tensor Loss(Tensor output, LstmState final, Tensor outputWeights) =>
        (output * outputWeights).sum() + final.Hidden.sum() + (final.Cell * final.Cell).sum();

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double difference = (expected - actual).abs().max().item<double>();
        Assert.IsLessThanOrEqualTo(Tolerance, difference, what);
    }
}
