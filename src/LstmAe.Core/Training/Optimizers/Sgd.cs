using LstmAe.Interop;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Training.Optimizers;

/// <summary>
/// Stochastic gradient descent with PyTorch's momentum (no dampening, not Nesterov): the buffer starts as the first
/// gradient, then b ← μb + g; θ ← θ − lr·b. Without momentum, θ ← θ − lr·g.
/// </summary>
internal sealed class Sgd : ParameterOptimizer
{
    // Null until a parameter's first update, as in PyTorch, which copies the first gradient rather than decaying zeros.
    private readonly Tensor?[] _momentumBuffers;

    /// <summary>Starts without momentum buffers.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="momentum">The momentum factor μ, in [0, 1); 0 is plain gradient descent.</param>
    public Sgd(IEnumerable<Parameter> parameters, double momentum) : base(parameters, momentum)
    {
        if (!(momentum is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        _momentumBuffers = new Tensor?[Parameters.Count];
    }

    /// <inheritdoc/>
    protected override void Update(int index, Parameter parameter, Tensor gradient, double learningRate, Scalar negativeLearningRate)
    {
        Tensor direction = gradient;
        if (Momentum > 0)
        {
            if (_momentumBuffers[index] is not { } buffer)
            {
                _momentumBuffers[index] = buffer = gradient.clone().detach().DetachFromDisposeScope();
            }
            else
            {
                buffer.mul_(MomentumFactor).add_(gradient, RetainedScalars.One);
            }
            direction = buffer;
        }
        parameter.add_(direction, negativeLearningRate);
    }

    /// <inheritdoc/>
    protected override void SaveState(int index, BinaryWriter writer)
    {
        Tensor? buffer = _momentumBuffers[index];
        writer.Write(buffer is not null);
        buffer?.Save(writer);
    }

    /// <inheritdoc/>
    protected override void LoadState(int index, BinaryReader reader, string source, long stepsTaken)
    {
        _momentumBuffers[index]?.Dispose();
        _momentumBuffers[index] = null;
        if (!reader.ReadBoolean()) return;
        Tensor buffer = ZerosLike(Parameters[index]);
        _momentumBuffers[index] = buffer;
        ReadInto(buffer, reader, source, "momentum_buffer");
    }

    /// <inheritdoc/>
    protected override void DisposeState()
    {
        foreach (Tensor? buffer in _momentumBuffers) buffer?.Dispose();
    }
}
