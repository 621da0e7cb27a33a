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

    /// <summary>Creates the encoder for frames of <see cref="LstmAutoEncoderModelOptions.FrameSize"/> floats.</summary>
    /// <param name="options">Frame size, hidden size, layers and dropout.</param>
    public LstmEncoder(LstmAutoEncoderModelOptions options) : base(nameof(LstmEncoder))
    {
        lstm = nn.LSTM(options.FrameSize, options.HiddenSize, options.Layers, batchFirst: true,
            dropout: options.Layers > 1 ? options.Dropout : 0);
        RegisterComponents();
    }

    /// <summary>Runs the LSTM over <paramref name="frames"/> [batch, frames, frame size] from a zero state.</summary>
    public override LstmState forward(Tensor frames)
    {
        var (output, hidden, cell) = lstm.call(frames);
        output.Dispose();
        return new LstmState(hidden, cell);
    }
}
