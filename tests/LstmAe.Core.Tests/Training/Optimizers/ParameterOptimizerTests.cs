using LstmAe.Core.Tests.TestSupport;
using LstmAe.Interop;
using LstmAe.Model;
using LstmAe.Training;
using LstmAe.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Training.Optimizers;

/// <summary>
/// Our optimizers replace TorchSharp's (whose temporary scalars are unsafe under concurrent garbage collection):
/// they must compute the same updates (bit for bit, but for Adam's correctly rounded square root), and carry their state
/// through a save and load.
/// </summary>
[TestClass]
public sealed class ParameterOptimizerTests
{
    private const int Steps = 6, StressSteps = 4_000;

    [TestMethod]
    [DataRow(OptimizerAlgorithm.RmsProp, 0.9)]
    [DataRow(OptimizerAlgorithm.RmsProp, 0.0)]
    [DataRow(OptimizerAlgorithm.Sgd, 0.9)]
    [DataRow(OptimizerAlgorithm.Sgd, 0.0)]
    public void StepsAreBitIdenticalToTorchSharps(OptimizerAlgorithm algorithm, double momentum)
    {
        Parameter[] ours = NewParameters(), theirs = NewParameters();
        using var optimizer = ParameterOptimizer.Create(algorithm, ours, momentum);
        using OptimizerHelper reference = algorithm == OptimizerAlgorithm.RmsProp
            ? optim.RMSProp(theirs, momentum: momentum)
            : optim.SGD(theirs, 0.1, momentum: momentum);

        for (int step = 0; step < Steps; step++)
        {
            StepBoth(optimizer, ours, reference, theirs, step);
            AssertBitIdentical(theirs, ours, $"step {step + 1}");
        }
    }

    /// <summary>
    /// Adam's fused kernel takes a correctly rounded square root where libtorch's vectorised one can be 1 ulp off, so
    /// it matches TorchSharp's Adam to float rounding; the unfused path (here float64) is still bit for bit the same.
    /// </summary>
    [TestMethod]
    public void AdamMatchesTorchSharpsToFloatRoundingAndBitForBitWhereUnfused()
    {
        Parameter[] ours = NewParameters(), theirs = NewParameters();
        using var optimizer = ParameterOptimizer.Create(OptimizerAlgorithm.Adam, ours, momentum: 0);
        using var reference = optim.Adam(theirs);

        for (int step = 0; step < Steps; step++)
        {
            StepBoth(optimizer, ours, reference, theirs, step);
            double learningRate = LearningRate(step);
            for (int i = 0; i < ours.Length; i++)
            {
                if (ours[i].dtype == ScalarType.Float64)
                {
                    Assert.IsTrue(theirs[i].eq(ours[i]).all().item<bool>(), $"unfused parameter {i} differs at step {step + 1}");
                    continue;
                }
                // Each step moves a weight by at most about its learning rate; a rounding difference in the square
                // root changes that move by a few parts in 10^7.
                double difference = (theirs[i] - ours[i]).abs().max().item<float>();
                Assert.IsLessThanOrEqualTo(1e-6 * learningRate + 1e-6 * theirs[i].abs().max().item<float>(), difference,
                    $"parameter {i} at step {step + 1}");
            }
        }
        Assert.IsTrue(FusedAdamKernel.Supports(ours[2], ours[2].grad!, zeros_like(ours[2]), zeros_like(ours[2])),
            "the large float32 parameter should take the fused kernel");
    }

    /// <summary>
    /// The GPU's path, libtorch's fused Adam over all tensors of one device and type in one call, run here on the CPU:
    /// it matches TorchSharp's Adam to float rounding in float32 and float64 alike (its own order of operations).
    /// </summary>
    [TestMethod]
    public void AdamsMultiTensorPathMatchesTorchSharpsToFloatRounding()
    {
        Assert.IsTrue(MultiTensorAdam.IsAvailable, "libtorch 2.10 compiles the multi-tensor update");
        Parameter[] ours = NewParameters(), theirs = NewParameters();
        using ParameterOptimizer optimizer = NewOptimizer(OptimizerAlgorithm.Adam, ours, 0, multiTensor: true);
        using var reference = optim.Adam(theirs);

        for (int step = 0; step < Steps; step++)
        {
            StepBoth(optimizer, ours, reference, theirs, step);
            double learningRate = LearningRate(step);
            for (int i = 0; i < ours.Length; i++)
            {
                // As above: a step moves a weight by at most about its learning rate, and a different rounding of
                // the same formula changes that move by a few units in the last place of the type.
                double unit = ours[i].dtype == ScalarType.Float64 ? 1e-15 : 1e-6;
                double difference = (theirs[i] - ours[i]).abs().max().ToDouble();
                Assert.IsLessThanOrEqualTo(unit * learningRate + unit * theirs[i].abs().max().ToDouble(), difference,
                    $"parameter {i} ({ours[i].dtype}) at step {step + 1}");
            }
        }
    }

    /// <summary>
    /// Optimizer steps alone, thousands per second, while another thread collects garbage: TorchSharp's optimizers
    /// fail this within a few thousand steps (a temporary scalar freed during its native call), and so did the first
    /// multi-tensor Adam, at once; ours must not. 4,000 steps, or at least 1,000 where they take over 5 s.
    /// </summary>
    [TestMethod]
    [DataRow(OptimizerAlgorithm.Adam, false)]
    [DataRow(OptimizerAlgorithm.Adam, true)]
    [DataRow(OptimizerAlgorithm.RmsProp, false)]
    [DataRow(OptimizerAlgorithm.Sgd, false)]
    public void StepsSurviveConcurrentCollections(OptimizerAlgorithm algorithm, bool multiTensor)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options with { FrameHeight = 8, FrameWidth = 8, Layers = 1 }, seed: 2);
        Parameter[] parameters = model.Module.parameters().ToArray();
        foreach (Parameter parameter in parameters) parameter.grad = ones_like(parameter);
        using ParameterOptimizer optimizer = NewOptimizer(algorithm, parameters, 0.9, multiTensor);

        using (var stress = new GarbageCollectionStress())
        {
            GarbageCollectionStress.Repeat(minimum: StressSteps / 4, maximum: StressSteps, TimeSpan.FromSeconds(5), _ => optimizer.Step(1e-6));
            Assert.IsGreaterThan(0L, stress.Collections);
        }

        Assert.IsTrue(parameters.All(p => p.isfinite().all().item<bool>()));
    }

    /// <summary>A resume continues bit for bit, also where the optimizer already holds state of its own (a step ran
    /// before the load) and where the step counts live on the device (Adam's multi-tensor path).</summary>
    [TestMethod]
    [DataRow(OptimizerAlgorithm.Adam, false)]
    [DataRow(OptimizerAlgorithm.Adam, true)]
    [DataRow(OptimizerAlgorithm.RmsProp, false)]
    [DataRow(OptimizerAlgorithm.Sgd, false)]
    public void SavedStateContinuesExactlyWhereItLeftOff(OptimizerAlgorithm algorithm, bool multiTensor)
    {
        Parameter[] uninterrupted = NewParameters(), resumed = NewParameters(), halfway = NewParameters();
        using ParameterOptimizer first = NewOptimizer(algorithm, uninterrupted, 0.9, multiTensor);
        using var buffer = new MemoryStream();
        for (int step = 0; step < Steps; step++)
        {
            if (step == Steps / 2)
            {
                using var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
                first.Save(writer);
                CopyValues(uninterrupted, halfway);
            }
            TrainStep(first, uninterrupted, step);
        }

        using ParameterOptimizer second = NewOptimizer(algorithm, resumed, 0.9, multiTensor);
        TrainStep(second, resumed, 0);
        CopyValues(halfway, resumed);
        buffer.Position = 0;
        using (var reader = new BinaryReader(buffer)) second.Load(reader, "saved state", Steps / 2);
        for (int step = Steps / 2; step < Steps; step++) TrainStep(second, resumed, step);

        AssertBitIdentical(uninterrupted, resumed, "after resuming");
    }

    [TestMethod]
    public void StateForOtherParametersIsInvalidData()
    {
        using var buffer = new MemoryStream();
        using (var adam = ParameterOptimizer.Create(OptimizerAlgorithm.Adam, NewParameters(), 0))
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            adam.Save(writer);

        buffer.Position = 0;
        using (var fewer = ParameterOptimizer.Create(OptimizerAlgorithm.Adam, NewParameters().Take(1), 0))
        using (var reader = new BinaryReader(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var error = Assert.ThrowsExactly<InvalidDataException>(() => fewer.Load(reader, "run.ckpt", 1));
            StringAssert.Contains(error.Message, "run.ckpt holds optimizer state for 4 parameters; this model has 1");
        }

        buffer.Position = 0;
        Parameter[] reshaped = [new Parameter(zeros(3, 5)), .. NewParameters().Skip(1)];
        using (var other = ParameterOptimizer.Create(OptimizerAlgorithm.Adam, reshaped, 0))
        using (var reader = new BinaryReader(buffer))
        {
            var error = Assert.ThrowsExactly<InvalidDataException>(() => other.Load(reader, "run.ckpt", 1));
            StringAssert.Contains(error.Message, "run.ckpt holds optimizer state 'exp_avg' of shape [5, 3]; this parameter's is [3, 5]");
        }
    }

    /// <summary>A tensor's header is read before anything is allocated for it: TorchSharp's Tensor.Load would allocate
    /// the declared rank (here 2^40) first.</summary>
    [TestMethod]
    public void AnImpossibleTensorRankIsInvalidData()
    {
        byte[] state = SavedAdamState();
        // Momentum (8), parameter count (4), step count (8), then exp_avg's LEB128 type (1 byte) and rank (1 byte).
        byte[] crafted = [.. state[..21], 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, .. state[22..]];

        using var adam = ParameterOptimizer.Create(OptimizerAlgorithm.Adam, NewParameters(), 0);
        using var reader = new BinaryReader(new MemoryStream(crafted));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => adam.Load(reader, "run.ckpt", 1));
        StringAssert.Contains(error.Message, "run.ckpt holds optimizer state 'exp_avg' of rank 1099511627776; this parameter's shape is [5, 3]");
    }

    [TestMethod]
    [DataRow(10)] // within the first step count
    [DataRow(40)] // within exp_avg's values
    public void TruncatedStateIsInvalidData(int length)
    {
        byte[] state = SavedAdamState();

        using var adam = ParameterOptimizer.Create(OptimizerAlgorithm.Adam, NewParameters(), 0);
        using var reader = new BinaryReader(new MemoryStream(state[..length]));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => adam.Load(reader, "run.ckpt", 1));
        StringAssert.Contains(error.Message, "run.ckpt is truncated");
    }

    [TestMethod]
    [DataRow(OptimizerAlgorithm.Sgd)]
    [DataRow(OptimizerAlgorithm.RmsProp)]
    public void StateBuiltWithAnotherMomentumIsInvalidData(OptimizerAlgorithm algorithm)
    {
        using var buffer = new MemoryStream();
        using (var saved = ParameterOptimizer.Create(algorithm, NewParameters(), 0.9))
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            saved.Save(writer);

        buffer.Position = 0;
        using var other = ParameterOptimizer.Create(algorithm, NewParameters(), 0.5);
        using var reader = new BinaryReader(buffer);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => other.Load(reader, "run.ckpt", 1));
        StringAssert.Contains(error.Message, "run.ckpt holds optimizer state built with Momentum 0.9; this run uses Momentum 0.5");
    }

    /// <summary>
    /// Inference reuses its weight casts until a parameter's libtorch version changes (<see cref="WeightOperandCache"/>),
    /// so every update must raise it, the fused Adam kernel's too, which writes through .NET spans.
    /// </summary>
    [TestMethod]
    [DataRow(OptimizerAlgorithm.Adam, false)]
    [DataRow(OptimizerAlgorithm.Adam, true)]
    [DataRow(OptimizerAlgorithm.RmsProp, false)]
    [DataRow(OptimizerAlgorithm.Sgd, false)]
    public void StepsRaiseEveryParameterVersion(OptimizerAlgorithm algorithm, bool multiTensor)
    {
        Parameter[] parameters = NewParameters();
        using ParameterOptimizer optimizer = NewOptimizer(algorithm, parameters, momentum: 0.9, multiTensor);
        long[] before = parameters.Select(p => TensorVersion.Of(p)!.Value).ToArray();

        TrainStep(optimizer, parameters, step: 0);

        for (int i = 0; i < parameters.Length; i++)
            Assert.IsGreaterThan(before[i], TensorVersion.Of(parameters[i])!.Value, $"parameter {i}");
    }

    /// <summary>
    /// Fixed random values in the shapes that take each of Adam's paths: a small matrix and a vector (updated in one
    /// piece, mostly past the last whole vector register), a matrix of several parallel chunks with a ragged end (the
    /// fused kernel's vector loop), and a float64 vector (the unfused tensor operations).
    /// </summary>
    private static Parameter[] NewParameters()
    {
        using var generator = new Generator(7);
        return
        [
            new Parameter(randn(5, 3, generator: generator)), new Parameter(randn(4, generator: generator)),
            new Parameter(randn(300, 701, generator: generator)), new Parameter(randn(6, float64, generator: generator)),
        ];
    }

    /// <summary>Adam's state after one step on <see cref="NewParameters"/>, as a checkpoint holds it.</summary>
    private static byte[] SavedAdamState()
    {
        Parameter[] parameters = NewParameters();
        using var adam = ParameterOptimizer.Create(OptimizerAlgorithm.Adam, parameters, 0);
        TrainStep(adam, parameters, 0);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) adam.Save(writer);
        return buffer.ToArray();
    }

    /// <summary>The optimizer <paramref name="algorithm"/> names; with <paramref name="multiTensor"/>, Adam on its GPU path
    /// (libtorch's fused Adam over all tensors of a device and type), reached here on the CPU.</summary>
    private static ParameterOptimizer NewOptimizer(OptimizerAlgorithm algorithm, Parameter[] parameters, double momentum, bool multiTensor) =>
        multiTensor
            ? new LstmAe.Training.Optimizers.Adam(parameters) { MultiTensorOnCpu = true }
            : ParameterOptimizer.Create(algorithm, parameters, momentum);

    /// <summary>Varies between steps, as a schedule does.</summary>
    private static double LearningRate(int step) => 0.01 * (step + 1) / 3;

    /// <summary>One step of ours and of TorchSharp's reference, from the same gradients at the same learning rate.</summary>
    private static void StepBoth(ParameterOptimizer optimizer, Parameter[] ours, OptimizerHelper reference, Parameter[] theirs, int step)
    {
        TrainStep(optimizer, ours, step);
        foreach (var group in reference.ParamGroups) group.LearningRate = LearningRate(step);
        reference.zero_grad();
        Backward(theirs, step);
        reference.step();
    }

    private static void TrainStep(ParameterOptimizer optimizer, Parameter[] parameters, int step)
    {
        optimizer.ZeroGrad();
        Backward(parameters, step);
        optimizer.Step(LearningRate(step));
    }

    /// <summary>Gradients that depend on the parameters (so differences would compound) and on the step.</summary>
    private static void Backward(Parameter[] parameters, int step)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(100 + (ulong)step);
        Tensor loss = stack(parameters.Select(p => (p * p * randn(p.shape, generator: generator)).sum()).ToArray()).sum();
        loss.backward();
    }

    private static void CopyValues(Parameter[] source, Parameter[] target)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < source.Length; i++) target[i].copy_(source[i]);
    }

    private static void AssertBitIdentical(Parameter[] expected, Parameter[] actual, string when)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(expected[i].eq(actual[i]).all().item<bool>(), $"Parameter {i} differs {when}");
    }
}
