using LstmAe.Interop;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Training.Optimizers;

/// <summary>
/// RMSProp (Hinton's lecture 6e; the paper's optimizer) with PyTorch's defaults (α 0.99, ε 1e-8, not centered):
/// s ← αs + (1−α)g²; with momentum μ, b ← μb + g/(√s + ε) and θ ← θ − lr·b; without, θ ← θ − lr·g/(√s + ε).
/// </summary>
internal sealed class RmsProp : ParameterOptimizer
{
    private const double AlphaValue = 0.99;

    private static readonly Scalar Alpha = AlphaValue.ToScalar();
    private static readonly Scalar OneMinusAlpha = (1 - AlphaValue).ToScalar();
    private static readonly Scalar Epsilon = 1e-8.ToScalar();

    private readonly Tensor[] _squareAverages, _momentumBuffers;

    /// <summary>Starts with zero averages and, like TorchSharp, zero momentum buffers.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="momentum">The momentum factor μ, in [0, 1); 0 updates without a buffer.</param>
    public RmsProp(IEnumerable<Parameter> parameters, double momentum) : base(parameters, momentum)
    {
        if (!(momentum is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        _squareAverages = Parameters.Select(ZerosLike).ToArray();
        _momentumBuffers = Parameters.Select(ZerosLike).ToArray();
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter parameter, Tensor gradient, double learningRate, Scalar negativeLearningRate)
    {
        _squareAverages[index].mul_(Alpha).addcmul_(gradient, gradient, OneMinusAlpha);
        Tensor average = _squareAverages[index].sqrt().add_(Epsilon, RetainedScalars.One);
        if (Momentum > 0)
        {
            Tensor buffer = _momentumBuffers[index];
            buffer.mul_(MomentumFactor).addcdiv_(gradient, average, RetainedScalars.One);
            parameter.add_(buffer, negativeLearningRate);
        }
        else
        {
            parameter.addcdiv_(gradient, average, negativeLearningRate);
        }
    }

    /// <inheritdoc/>
    protected override void SaveState(int index, BinaryWriter writer)
    {
        _squareAverages[index].Save(writer);
        _momentumBuffers[index].Save(writer);
    }

    /// <inheritdoc/>
    protected override void LoadState(int index, BinaryReader reader, string source, long stepsTaken)
    {
        ReadInto(_squareAverages[index], reader, source, "square_avg");
        ReadInto(_momentumBuffers[index], reader, source, "momentum_buffer");
    }

    /// <inheritdoc/>
    protected override void DisposeState()
    {
        foreach (Tensor tensor in _squareAverages.Concat(_momentumBuffers)) tensor.Dispose();
    }
}
