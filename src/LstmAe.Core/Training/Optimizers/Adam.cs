using LstmAe.Interop;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Training.Optimizers;

/// <summary>
/// Adam (Kingma and Ba, 2015) with PyTorch's defaults and update order, so one step matches
/// <c>torch.optim.Adam</c>: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
/// </summary>
/// <remarks>
/// CPU float32 parameters, all of them in training on a CPU, are updated by <see cref="FusedAdamKernel"/> in one
/// pass over memory. Parameters on a GPU are updated together, all tensors of one device and type in one call of
/// libtorch's fused Adam (<see cref="MultiTensorAdam"/>), not eight launches per tensor. Others (float64 on the
/// CPU, or a libtorch without that kernel) take the same formula in tensor operations.
/// </remarks>
internal sealed class Adam : ParameterOptimizer
{
    private const double Beta1Value = 0.9, Beta2Value = 0.999, EpsilonValue = 1e-8;

    private static readonly Scalar Beta1 = Beta1Value.ToScalar();
    private static readonly Scalar Beta2 = Beta2Value.ToScalar();
    private static readonly Scalar OneMinusBeta1 = (1 - Beta1Value).ToScalar();
    private static readonly Scalar OneMinusBeta2 = (1 - Beta2Value).ToScalar();
    private static readonly Scalar Epsilon = EpsilonValue.ToScalar();

    private readonly long[] _steps;
    private readonly Tensor[] _averages, _squaredAverages;

    /// <summary>Each parameter's step count as the multi-tensor update keeps it: a float32 scalar on its device, made
    /// from <see cref="_steps"/> when first needed and after a load, then advanced on the device.</summary>
    private readonly Tensor?[] _deviceSteps;

    /// <summary>Starts with zero moments for every parameter.</summary>
    public Adam(IEnumerable<Parameter> parameters) : base(parameters, momentum: 0)
    {
        _steps = new long[Parameters.Count];
        _averages = Parameters.Select(ZerosLike).ToArray();
        _squaredAverages = Parameters.Select(ZerosLike).ToArray();
        _deviceSteps = new Tensor?[Parameters.Count];
    }

    /// <summary>Also update CPU parameters through <see cref="MultiTensorAdam"/>: the GPU's path, reachable by tests.</summary>
    internal bool MultiTensorOnCpu { get; init; }

    /// <inheritdoc/>
    protected override void Update(IReadOnlyList<int> indices, double learningRate, Scalar negativeLearningRate)
    {
        var single = new List<int>();
        var groups = new Dictionary<(DeviceType Device, int Index, ScalarType Type), List<int>>();
        foreach (int index in indices)
        {
            Parameter parameter = Parameters[index];
            if (!UsesMultiTensor(parameter))
            {
                single.Add(index);
                continue;
            }
            var key = (parameter.device_type, parameter.device_index, parameter.dtype);
            if (!groups.TryGetValue(key, out List<int>? group)) groups[key] = group = [];
            group.Add(index);
        }
        foreach (List<int> group in groups.Values) MultiTensorUpdate(group, learningRate);
        base.Update(single, learningRate, negativeLearningRate);
    }

    private bool UsesMultiTensor(Parameter parameter) =>
        (parameter.device_type != DeviceType.CPU || MultiTensorOnCpu)
        && parameter.dtype is ScalarType.Float32 or ScalarType.Float64 or ScalarType.BFloat16 or ScalarType.Float16
        && MultiTensorAdam.IsAvailable;

    private void MultiTensorUpdate(List<int> group, double learningRate)
    {
        Tensor[] parameters = group.Select(i => (Tensor)Parameters[i]).ToArray();
        Tensor[] gradients = group.Select(i => Parameters[i].grad!).ToArray();
        Tensor[] deviceStepCounts = group.Select(i => _deviceSteps[i] ??= DeviceStep(i)).ToArray();
        using Scalar rate = learningRate.ToScalar();
        try
        {
            MultiTensorAdam.Step(parameters, gradients, group.Select(i => _averages[i]).ToArray(),
                group.Select(i => _squaredAverages[i]).ToArray(), deviceStepCounts, rate, Beta1, Beta2, Epsilon);
        }
        catch
        {
            // The call may have advanced the device counts before failing: rebuild them from the host's.
            foreach (int index in group)
            {
                _deviceSteps[index]?.Dispose();
                _deviceSteps[index] = null;
            }
            throw;
        }
        foreach (int index in group) _steps[index]++;
    }

    /// <summary>Parameter <paramref name="index"/>'s step count as a float32 scalar on its device (exact to 2^24 steps).</summary>
    private Tensor DeviceStep(int index) =>
        tensor((float)_steps[index], ScalarType.Float32, Parameters[index].device).DetachFromDisposeScope();

    /// <inheritdoc/>
    protected override void Update(int index, Parameter parameter, Tensor gradient, double learningRate, Scalar negativeLearningRate)
    {
        long step = ++_steps[index];
        double biasCorrection1 = 1 - Math.Pow(Beta1Value, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2Value, step);
        Tensor average = _averages[index], squaredAverage = _squaredAverages[index];

        if (FusedAdamKernel.Supports(parameter, gradient, average, squaredAverage))
        {
            FusedAdamKernel.Step(parameter, gradient, average, squaredAverage, new FusedAdamKernel.Factors(
                (float)Beta1Value, (float)(1 - Beta1Value), (float)Beta2Value, (float)(1 - Beta2Value),
                (float)Math.Sqrt(biasCorrection2), (float)EpsilonValue, (float)(-(learningRate / biasCorrection1))));
            return;
        }
        average.mul_(Beta1).add_(gradient, OneMinusBeta1);
        squaredAverage.mul_(Beta2).addcmul_(gradient, gradient, OneMinusBeta2);
        using Scalar biasCorrection2Root = Math.Sqrt(biasCorrection2).ToScalar();
        Tensor denominator = squaredAverage.sqrt().div_(biasCorrection2Root).add_(Epsilon, RetainedScalars.One);
        using Scalar negativeStepSize = (-(learningRate / biasCorrection1)).ToScalar();
        parameter.addcdiv_(average, denominator, negativeStepSize);
    }

    /// <inheritdoc/>
    protected override void SaveState(int index, BinaryWriter writer)
    {
        writer.Write(_steps[index]);
        _averages[index].Save(writer);
        _squaredAverages[index].Save(writer);
    }

    /// <inheritdoc/>
    protected override void LoadState(int index, BinaryReader reader, string source, long stepsTaken)
    {
        long step = reader.ReadInt64();
        // The step count sets the bias correction: one out of range would silently change every update.
        if (step < 0 || step > stepsTaken)
            throw new InvalidDataException($"{source} holds Adam step count {step} for parameter {index}; expected 0 to {stepsTaken}, the steps taken.");
        _steps[index] = step;
        _deviceSteps[index]?.Dispose();
        _deviceSteps[index] = null;
        ReadInto(_averages[index], reader, source, "exp_avg");
        ReadInto(_squaredAverages[index], reader, source, "exp_avg_sq");
    }

    /// <inheritdoc/>
    protected override void DisposeState()
    {
        foreach (Tensor? tensor in _averages.Concat(_squaredAverages).Concat(_deviceSteps)) tensor?.Dispose();
    }
}
