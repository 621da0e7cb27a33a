using System.Globalization;
using LstmAe.Model;

namespace LstmAe.Cli.Options;

/// <summary>
/// The largest frames and models the command line creates, checked before anything is allocated, so a typing
/// mistake such as "--frame-height 100000" is a usage error instead of libtorch failing to allocate hundreds of
/// gigabytes (an unhandled native exception, or the process killed for memory).
/// </summary>
internal static class SizeLimits
{
    /// <summary>The largest --frame-height and --frame-width: 4096 pixels.</summary>
    public const int MaxFrameSide = 4096;

    /// <summary>
    /// The most weights of a model the command line creates: 2^29 (536,870,912), 2 GiB of float32. The paper's
    /// model has 268.5 million, and a saved model holds its weights in one payload of less than 2 GiB.
    /// </summary>
    public const long MaxWeights = 1L << 29;

    /// <summary>
    /// The weights of a model with <paramref name="options"/>, counted in 128 bits so that no size can wrap: the
    /// encoder and each decoder are a stacked LSTM over frames (4 gates of input and recurrent weights and two
    /// biases per layer), and each decoder adds a linear layer from its hidden state to a frame.
    /// </summary>
    public static Int128 Weights(LstmAutoEncoderModelOptions options)
    {
        Int128 frame = (Int128)options.FrameHeight * options.FrameWidth, hidden = options.HiddenSize;
        Int128 lstm = 4 * hidden * (frame + hidden) + 8 * hidden
            + (options.Layers - 1) * (4 * hidden * (hidden + hidden) + 8 * hidden);
        Int128 output = hidden * frame + frame;
        int decoders = (options.HasReconstructionDecoder ? 1 : 0) + (options.HasPredictionDecoder ? 1 : 0);
        return lstm + decoders * (lstm + output);
    }

    /// <summary>Throws a usage error when a model with <paramref name="options"/> would exceed <see cref="MaxWeights"/>.</summary>
    /// <exception cref="CliException">The model is too large.</exception>
    public static void CheckModel(LstmAutoEncoderModelOptions options)
    {
        Int128 weights = Weights(options);
        if (weights > MaxWeights)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"A model of {options.Layers} x {options.HiddenSize} units over {options.FrameHeight} x {options.FrameWidth} frames would have {weights:N0} weights; " +
                $"lstmae creates at most {MaxWeights:N0} (2 GiB of float32): use smaller frames or fewer units."), ExitCodes.Usage);
        }
    }
}
