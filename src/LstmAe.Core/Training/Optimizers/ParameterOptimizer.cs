using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Training.Optimizers;

/// <summary>
/// Updates a fixed list of parameters from their gradients, with the arithmetic of the TorchSharp optimizer it
/// replaces, and saves and restores its running state for checkpoints.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's optimizers pass numbers to libtorch as temporary <see cref="Scalar"/>s that nothing keeps alive
/// during the native call: a garbage collection on another thread could free one mid-call ("Expected false to be
/// true ... toFloat"; docs/platform.md). Here every scalar is a static field or is disposed by a
/// <c>using</c> after the call, and every tensor method gets its scale factor explicitly (their defaults are
/// temporary scalars too).
/// </remarks>
internal abstract class ParameterOptimizer : IDisposable
{
    private bool _disposed;

    /// <summary>Takes the parameters to update, in the order their state is saved.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="momentum">The momentum the running state depends on (0 where the algorithm has none).</param>
    protected ParameterOptimizer(IEnumerable<Parameter> parameters, double momentum)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        Momentum = momentum;
        MomentumFactor = momentum.ToScalar();
    }

    /// <summary>The momentum the running state was accumulated with; saved with it, so a resume cannot mix two.</summary>
    protected double Momentum { get; }

    /// <summary><see cref="Momentum"/> as a scalar, made once and alive until <see cref="Dispose"/>.</summary>
    protected Scalar MomentumFactor { get; }

    /// <summary>The parameters this optimizer updates.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The optimizer <paramref name="algorithm"/> names, with the defaults of PyTorch and TorchSharp
    /// (Adam: betas 0.9 and 0.999, ε 1e-8; RMSProp: α 0.99, ε 1e-8, not centered; SGD: no dampening or Nesterov).</summary>
    /// <param name="algorithm">Which optimizer.</param>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="momentum">Momentum of RMSProp and SGD; Adam ignores it.</param>
    public static ParameterOptimizer Create(OptimizerAlgorithm algorithm, IEnumerable<Parameter> parameters, double momentum) =>
        algorithm switch
        {
            OptimizerAlgorithm.Adam => new Adam(parameters),
            OptimizerAlgorithm.RmsProp => new RmsProp(parameters, momentum),
            OptimizerAlgorithm.Sgd => new Sgd(parameters, momentum),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown optimizer."),
        };

    /// <summary>Zeroes every gradient that exists (as TorchSharp's <c>zero_grad</c>: gradients are kept, not freed).</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (Parameter parameter in Parameters) parameter.grad?.zero_();
    }

    /// <summary>Updates every parameter that has a gradient, without recording the update for autograd.</summary>
    /// <param name="learningRate">This step's learning rate.</param>
    public void Step(double learningRate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using Scalar negativeLearningRate = (-learningRate).ToScalar();
        var withGradients = new List<int>(Parameters.Count);
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (Parameters[i].grad is not null) withGradients.Add(i);
        }
        Update(withGradients, learningRate, negativeLearningRate);
    }

    /// <summary>Writes the running state and the momentum it depends on (the checkpoint stores the other options).</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Momentum);
        writer.Write(Parameters.Count);
        for (int i = 0; i < Parameters.Count; i++) SaveState(i, writer);
    }

    /// <summary>Reads the running state written by <see cref="Save"/> for the same parameters.</summary>
    /// <param name="reader">Positioned at the state.</param>
    /// <param name="source">Names the data in error messages, usually a file path.</param>
    /// <param name="stepsTaken">The steps of the run that saved the state: no parameter was updated more often.</param>
    /// <exception cref="InvalidDataException">The state is for other parameters or another momentum, or is damaged.</exception>
    public void Load(BinaryReader reader, string source, long stepsTaken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        try
        {
            double momentum = reader.ReadDouble();
            // Momentum buffers built with one factor would silently continue under another.
            if (momentum.CompareTo(Momentum) != 0)
                throw new InvalidDataException($"{source} holds optimizer state built with Momentum {momentum}; this run uses Momentum {Momentum}.");
            int count = reader.ReadInt32();
            if (count != Parameters.Count)
                throw new InvalidDataException($"{source} holds optimizer state for {count} parameters; this model has {Parameters.Count}.");
            for (int i = 0; i < Parameters.Count; i++) LoadState(i, reader, source, stepsTaken);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source} is truncated: its optimizer state ends early.", e);
        }
    }

    /// <summary>Applies one update to each parameter in <paramref name="indices"/> (those with a gradient); runs under
    /// no_grad in a dispose scope. By default one <see cref="Update(int, Parameter, Tensor, double, Scalar)"/> each;
    /// an algorithm that can update many tensors in one call overrides this.</summary>
    /// <param name="indices">Positions in <see cref="Parameters"/>, ascending.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    /// <param name="negativeLearningRate">The negated learning rate as a scalar, alive for the whole step.</param>
    protected virtual void Update(IReadOnlyList<int> indices, double learningRate, Scalar negativeLearningRate)
    {
        foreach (int index in indices)
            Update(index, Parameters[index], Parameters[index].grad!, learningRate, negativeLearningRate);
    }

    /// <summary>Applies one update to parameter <paramref name="index"/>; runs under no_grad in a dispose scope.</summary>
    /// <param name="index">The parameter's position in <see cref="Parameters"/>.</param>
    /// <param name="parameter">The parameter.</param>
    /// <param name="gradient">Its gradient.</param>
    /// <param name="learningRate">This step's learning rate.</param>
    /// <param name="negativeLearningRate">The negated learning rate as a scalar, alive for the whole step.</param>
    protected abstract void Update(int index, Parameter parameter, Tensor gradient, double learningRate, Scalar negativeLearningRate);

    /// <summary>Writes parameter <paramref name="index"/>'s state.</summary>
    protected abstract void SaveState(int index, BinaryWriter writer);

    /// <summary>Reads parameter <paramref name="index"/>'s state, saved after at most <paramref name="stepsTaken"/> updates.</summary>
    protected abstract void LoadState(int index, BinaryReader reader, string source, long stepsTaken);

    /// <summary>Disposes the state tensors.</summary>
    protected abstract void DisposeState();

    /// <summary>A zero tensor like <paramref name="parameter"/> that no dispose scope owns.</summary>
    protected static Tensor ZerosLike(Parameter parameter) => zeros_like(parameter).DetachFromDisposeScope();

    /// <summary>
    /// Reads a tensor written by TorchSharp's <c>Save</c> (LEB128 type code, rank and dimensions, then the values) into
    /// <paramref name="target"/>, which has the expected type and shape. Parsed here, not by TorchSharp's <c>Load</c>,
    /// which allocates whatever rank the data declares before comparing the shape.
    /// </summary>
    protected static void ReadInto(Tensor target, BinaryReader reader, string source, string what)
    {
        long type = ReadEncoded(reader, source, what), rank = ReadEncoded(reader, source, what);
        if (type != (long)target.dtype)
            throw new InvalidDataException($"{source} holds optimizer state '{what}' of type code {type}; this parameter's is {(int)target.dtype} ({target.dtype}).");
        if (rank != target.shape.Length)
            throw new InvalidDataException($"{source} holds optimizer state '{what}' of rank {rank}; this parameter's shape is {Shape(target.shape)}.");
        long[] shape = new long[rank];
        for (int d = 0; d < rank; d++) shape[d] = ReadEncoded(reader, source, what);
        if (!shape.SequenceEqual(target.shape))
            throw new InvalidDataException($"{source} holds optimizer state '{what}' of shape {Shape(shape)}; this parameter's is {Shape(target.shape)}.");
        long length = target.NumberOfElements * target.ElementSize;
        // A checkpoint's payload is one array, so no state tensor it holds reaches 2 GiB.
        byte[] values = reader.ReadBytes((int)Math.Min(length, Array.MaxLength));
        if (values.Length != length)
            throw new InvalidDataException($"{source} is truncated: optimizer state '{what}' needs {length} bytes, only {values.Length} remain.");
        using var noGrad = no_grad();
        using Tensor host = empty(target.shape, target.dtype);
        values.AsSpan().CopyTo(host.bytes);
        target.copy_(host);

        static string Shape(long[] dimensions) => $"[{string.Join(", ", dimensions)}]";
    }

    /// <summary>One non-negative LEB128 number as TorchSharp's <c>Encode</c> writes it: at most 9 bytes of 7 bits.</summary>
    private static long ReadEncoded(BinaryReader reader, string source, string what)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte next = reader.ReadByte();
            value |= (long)(next & 0x7f) << shift;
            if ((next & 0x80) == 0) return value;
        }
        throw new InvalidDataException($"{source} holds optimizer state '{what}' whose header has a number longer than 63 bits.");
    }

    /// <summary>Disposes the state tensors and the momentum scalar.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisposeState();
        MomentumFactor.Dispose();
    }
}
