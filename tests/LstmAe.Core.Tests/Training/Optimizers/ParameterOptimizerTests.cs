using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Training;
using LstmAe.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Training.Optimizers;

/// <summary>
/// Our optimizers replace TorchSharp's (whose temporary scalars are unsafe under concurrent garbage collection):
/// they must compute bit for bit the same updates, and carry their state through a save and load.
/// </summary>
[TestClass]
public sealed class ParameterOptimizerTests
{
    private const int Steps = 6, StressSteps = 4_000;

    [TestMethod]
    [DataRow(OptimizerAlgorithm.Adam, 0.0)]
    [DataRow(OptimizerAlgorithm.RmsProp, 0.9)]
    [DataRow(OptimizerAlgorithm.RmsProp, 0.0)]
    [DataRow(OptimizerAlgorithm.Sgd, 0.9)]
    [DataRow(OptimizerAlgorithm.Sgd, 0.0)]
    public void StepsAreBitIdenticalToTorchSharps(OptimizerAlgorithm algorithm, double momentum)
    {
        Parameter[] ours = NewParameters(), theirs = NewParameters();
        using var optimizer = ParameterOptimizer.Create(algorithm, ours, momentum);
        using OptimizerHelper reference = algorithm switch
        {
            OptimizerAlgorithm.Adam => optim.Adam(theirs),
            OptimizerAlgorithm.RmsProp => optim.RMSProp(theirs, momentum: momentum),
            _ => optim.SGD(theirs, 0.1, momentum: momentum),
        };

        for (int step = 0; step < Steps; step++)
        {
            double learningRate = LearningRate(step);
            optimizer.ZeroGrad();
            Backward(ours, step);
            optimizer.Step(learningRate);

            foreach (var group in reference.ParamGroups) group.LearningRate = learningRate;
            reference.zero_grad();
            Backward(theirs, step);
            reference.step();

            AssertBitIdentical(theirs, ours, $"step {step + 1}");
        }
    }

    /// <summary>
    /// Optimizer steps alone, thousands per second, while another thread collects garbage: TorchSharp's optimizers
    /// fail this within a few thousand steps (a temporary scalar freed during its native call); ours must not.
    /// </summary>
    [TestMethod]
    [DataRow(OptimizerAlgorithm.Adam)]
    [DataRow(OptimizerAlgorithm.RmsProp)]
    [DataRow(OptimizerAlgorithm.Sgd)]
    public void StepsSurviveConcurrentCollections(OptimizerAlgorithm algorithm)
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options with { FrameHeight = 8, FrameWidth = 8, Layers = 1 }, seed: 2);
        Parameter[] parameters = model.Module.parameters().ToArray();
        foreach (Parameter parameter in parameters) parameter.grad = ones_like(parameter);
        using var optimizer = ParameterOptimizer.Create(algorithm, parameters, 0.9);

        using (var stress = new GarbageCollectionStress())
        {
            for (int step = 0; step < StressSteps; step++) optimizer.Step(1e-6);
            Assert.IsGreaterThan(0L, stress.Collections);
        }

        Assert.IsTrue(parameters.All(p => p.isfinite().all().item<bool>()));
    }

    [TestMethod]
    [DataRow(OptimizerAlgorithm.Adam)]
    [DataRow(OptimizerAlgorithm.RmsProp)]
    [DataRow(OptimizerAlgorithm.Sgd)]
    public void SavedStateContinuesExactlyWhereItLeftOff(OptimizerAlgorithm algorithm)
    {
        Parameter[] uninterrupted = NewParameters(), resumed = NewParameters();
        using var first = ParameterOptimizer.Create(algorithm, uninterrupted, 0.9);
        using var buffer = new MemoryStream();
        for (int step = 0; step < Steps; step++)
        {
            if (step == Steps / 2)
            {
                using var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
                first.Save(writer);
                CopyValues(uninterrupted, resumed);
            }
            TrainStep(first, uninterrupted, step);
        }

        using var second = ParameterOptimizer.Create(algorithm, resumed, 0.9);
        buffer.Position = 0;
        using (var reader = new BinaryReader(buffer)) second.Load(reader, "saved state");
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
            var error = Assert.ThrowsExactly<InvalidDataException>(() => fewer.Load(reader, "run.ckpt"));
            StringAssert.Contains(error.Message, "run.ckpt holds optimizer state for 2 parameters; this model has 1");
        }

        buffer.Position = 0;
        Parameter[] reshaped = [new Parameter(zeros(3, 5)), new Parameter(zeros(4))];
        using (var other = ParameterOptimizer.Create(OptimizerAlgorithm.Adam, reshaped, 0))
        using (var reader = new BinaryReader(buffer))
        {
            var error = Assert.ThrowsExactly<InvalidDataException>(() => other.Load(reader, "run.ckpt"));
            StringAssert.Contains(error.Message, "run.ckpt holds optimizer state 'exp_avg' of another type or shape than [3, 5]");
        }
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
        var error = Assert.ThrowsExactly<InvalidDataException>(() => other.Load(reader, "run.ckpt"));
        StringAssert.Contains(error.Message, "run.ckpt holds optimizer state built with Momentum 0.9; this run uses Momentum 0.5");
    }

    /// <summary>A matrix and a vector with fixed random values.</summary>
    private static Parameter[] NewParameters()
    {
        using var generator = new Generator(7);
        return [new Parameter(randn(5, 3, generator: generator)), new Parameter(randn(4, generator: generator))];
    }

    /// <summary>Varies between steps, as a schedule does.</summary>
    private static double LearningRate(int step) => 0.01 * (step + 1) / 3;

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
            CollectionAssert.AreEqual(expected[i].data<float>().ToArray(), actual[i].data<float>().ToArray(), $"Parameter {i} differs {when}");
    }
}
