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
    private readonly LSTM lstm;
    private readonly StackedLstmShape shape;
    private readonly MatrixProducts products;

    /// <summary>Creates the encoder for frames of <see cref="LstmAutoEncoderModelOptions.FrameSize"/> floats.</summary>
    /// <param name="options">Frame size, hidden size, layers, dropout and matrix precision.</param>
    public LstmEncoder(LstmAutoEncoderModelOptions options) : base(nameof(LstmEncoder))
    {
        shape = StackedLstmShape.Of(options);
        products = MatrixProducts.WithWeightCache(options.MatrixPrecision);
        lstm = shape.CreateModule();
        RegisterComponents();
    }

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
        bool fused = StackedLstmShape.UsesFusedKernel(frames.device_type, products.Precision, LstmUse.Encoder);
        if (frames.dtype == ScalarType.BFloat16 && (fused || products.Precision != MatrixPrecision.BFloat16))
            frames = frames.to(ScalarType.Float32);
        if (fused)
            return shape.RunFused(lstm, frames, shape.ZeroState(frames), products, training);
        var runner = new StackedLstmRunner(lstm, shape, products, training);
        return runner.Run(frames, (int)frames.shape[1], shape.ZeroState(frames));
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) products.Weights?.Dispose();
        base.Dispose(disposing);
    }

    /// <inheritdoc cref="CompositeLstmAutoEncoderModule.load"/>
    public override nn.Module load(BinaryReader reader, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null) =>
        TensorVersion.MarkLoaded(this, base.load(reader, strict, skip, loadedParameters));
}
