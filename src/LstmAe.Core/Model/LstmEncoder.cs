using LstmAe.Interop;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Reads the input frames with a stacked, batch-first LSTM and returns its final state: the learned
/// representation both decoders start from. Parameters are named as in the PyTorch tutorial (<c>lstm.*</c>).
/// </summary>
public sealed class LstmEncoder : nn.Module<Tensor, LstmState>
{
    private readonly LSTM _lstm;
    private readonly StackedLstmShape _shape;
    private readonly MatrixProducts _products;

    /// <summary>Creates the encoder for frames of <see cref="LstmAutoEncoderModelOptions.FrameSize"/> floats.</summary>
    /// <param name="options">Frame size, hidden size, layers, dropout and matrix precision.</param>
    public LstmEncoder(LstmAutoEncoderModelOptions options) : base(nameof(LstmEncoder))
    {
        _shape = StackedLstmShape.Of(options);
        _products = MatrixProducts.WithWeightCache(options.MatrixPrecision);
        _lstm = _shape.CreateModule();
        // By name: the state_dict keys are the PyTorch tutorial's, whatever the fields are called.
        register_module("lstm", _lstm);
    }

    /// <summary>Registers nothing: the constructor registered the submodules by name, and the default would register
    /// them again under their fields' names (TorchSharp calls this when a parent registers the module).</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>The generator dropout masks are drawn from while training on the CPU; null for torch's process-wide
    /// one. Set for a run by <see cref="Training.AutoEncoderTrainer"/>.</summary>
    internal Generator? DropoutDraws { get; set; }

    /// <summary>Runs the LSTM over <paramref name="frames"/> [batch, frames, frame size] from a zero state.</summary>
    public override LstmState forward(Tensor frames)
    {
        var (output, state) = ForwardWithOutput(frames);
        output.Dispose();
        return state;
    }

    /// <summary>
    /// Runs the LSTM like <see cref="forward"/> and also returns the top layer's hidden state after every frame,
    /// [batch, frames, hidden] (the output that <see cref="forward"/> discards).
    /// </summary>
    /// <param name="frames">The frames, float32; or bfloat16 where the products are (the values they would be cast
    /// to, so the results are the same), which saves the step-by-step runner that cast.</param>
    public (Tensor Output, LstmState State) ForwardWithOutput(Tensor frames)
    {
        bool fused = StackedLstmShape.UsesFusedKernel(frames.device_type, _products.Precision, LstmUse.Encoder);
        if (frames.dtype == ScalarType.BFloat16 && (fused || _products.Precision != MatrixPrecision.BFloat16))
            frames = frames.to(ScalarType.Float32);
        if (fused)
            return _shape.RunFused(_lstm, frames, _shape.ZeroState(frames), _products, training);
        var runner = new StackedLstmRunner(_lstm, _shape, _products, training, DropoutDraws);
        return runner.Run(frames, (int)frames.shape[1], _shape.ZeroState(frames));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _products.Weights?.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc cref="CompositeLstmAutoEncoderModule.load"/>
    public override nn.Module load(BinaryReader reader, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null) =>
        TensorVersion.MarkLoaded(this, base.load(reader, strict, skip, loadedParameters));
}
