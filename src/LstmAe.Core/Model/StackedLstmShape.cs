using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// The sizes of one stacked, batch-first LSTM, taken once from the model options: the encoder and each decoder build
/// their <see cref="LSTM"/> from it, and <see cref="StackedLstmRunner"/> runs that module's parameters by it.
/// </summary>
/// <param name="InputSize">Floats in one step's input (a frame).</param>
/// <param name="HiddenSize">Units in each layer.</param>
/// <param name="Layers">Stacked layers.</param>
/// <param name="Dropout">Dropout on every layer's output but the top one's while training.</param>
internal readonly record struct StackedLstmShape(int InputSize, int HiddenSize, int Layers, double Dropout)
{
    /// <summary>The shape of every LSTM in a model with <paramref name="options"/>.</summary>
    /// <remarks>A single layer has no dropout: <c>nn.LSTM</c> applies it only between layers.</remarks>
    public static StackedLstmShape Of(LstmAutoEncoderModelOptions options) =>
        new(options.FrameSize, options.HiddenSize, options.Layers, options.Layers > 1 ? options.Dropout : 0);

    /// <summary>A new module of this shape, with PyTorch's default initialisation.</summary>
    public LSTM CreateModule() => nn.LSTM(InputSize, HiddenSize, Layers, batchFirst: true, dropout: Dropout);

    /// <summary>
    /// True where the module's fused kernel (cuDNN) runs this LSTM: float32 products on a CUDA device, for an LSTM
    /// whose inputs are all known before it runs (the encoder, an unconditioned decoder, a teacher-forced decoder
    /// while training): one call then runs every step. Everything else goes through <see cref="StackedLstmRunner"/>:
    /// on the CPU, because libtorch's fused CPU kernel (oneDNN) gives wrong float32 results for some hidden sizes on
    /// some CPUs (docs/platform.md); reduced-precision products, unless <see cref="CudaLstmSettings.CudnnForBFloat16"/>
    /// asks for cuDNN in bfloat16; and a decoder fed its own output, which runs one step at a time whichever way,
    /// unless <see cref="CudaLstmSettings.CudnnForFeedbackDecoders"/> asks for cuDNN there too (in float32 only: in
    /// bfloat16 every one-step call would cast and copy all its weights).
    /// </summary>
    /// <param name="device">The device the LSTM runs on.</param>
    /// <param name="precision">The model's product format.</param>
    /// <param name="use">What the LSTM does in the model.</param>
    public static bool UsesFusedKernel(TorchSharp.DeviceType device, MatrixPrecision precision, LstmUse use) =>
        device == TorchSharp.DeviceType.CUDA
        && (use == LstmUse.FeedbackDecoder
            ? precision == MatrixPrecision.Float32 && CudaLstmSettings.CudnnForFeedbackDecoders
            : precision == MatrixPrecision.Float32 || CudaLstmSettings.CudnnForBFloat16);

    /// <summary>
    /// Runs <paramref name="lstm"/> (of this shape) over <paramref name="input"/> from <paramref name="state"/> with
    /// its fused kernel, where <see cref="UsesFusedKernel"/> chose it: the module itself in float32, through
    /// <see cref="ScriptedLstm"/> in bfloat16.
    /// </summary>
    public (Tensor Output, LstmState State) RunFused(LSTM lstm, Tensor input, LstmState state, MatrixProducts products, bool training)
    {
        if (products.Precision == MatrixPrecision.BFloat16)
            return ScriptedLstm.Run(lstm, this, input, state, ScalarType.BFloat16, training, products.Weights);
        var (output, hidden, cell) = lstm.call(input, (state.Hidden, state.Cell));
        return (output, new LstmState(hidden, cell));
    }

    /// <summary><paramref name="lstm"/>'s parameter <paramref name="prefix"/> of <paramref name="layer"/>, named as in
    /// <c>nn.LSTM</c> (<c>weight_ih_l0</c>, <c>bias_hh_l1</c>, ...).</summary>
    public static TorchSharp.Modules.Parameter Parameter(LSTM lstm, string prefix, int layer) =>
        lstm.get_parameter(prefix + layer)
        ?? throw new InvalidOperationException($"The LSTM has no parameter '{prefix}{layer}'.");

    /// <summary>The all-zero (h, c) an encoder starts from, each [layers, batch, hidden], on <paramref name="input"/>'s
    /// device and in its type, except that bfloat16 frames (products' operands only) start a float32 state.</summary>
    public LstmState ZeroState(Tensor input)
    {
        long batch = input.shape[0];
        ScalarType type = input.dtype == ScalarType.BFloat16 ? ScalarType.Float32 : input.dtype;
        return new LstmState(
            zeros(Layers, batch, HiddenSize, type, input.device),
            zeros(Layers, batch, HiddenSize, type, input.device));
    }
}
