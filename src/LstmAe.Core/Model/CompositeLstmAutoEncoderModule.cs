using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// The composite model of Srivastava et al. (2015): one LSTM encoder and, from its final state, a decoder that
/// rebuilds the input in reverse order and a decoder that predicts the future frames. Submodules carry the PyTorch
/// tutorial's names (<c>encoder</c>, <c>reconstruct_decoder</c>, <c>predict_decoder</c>), so state_dicts interchange.
/// </summary>
public sealed class CompositeLstmAutoEncoderModule : nn.Module<Tensor, Tensor?, AutoEncoderOutput>
{
    private readonly LstmEncoder _encoder;
    private readonly LstmDecoder? _reconstructionDecoder;
    private readonly LstmDecoder? _predictionDecoder;

    /// <summary>Creates the modules <paramref name="options"/> describes; absent decoders are not created.</summary>
    /// <param name="options">Validated model options.</param>
    public CompositeLstmAutoEncoderModule(LstmAutoEncoderModelOptions options) : base(nameof(CompositeLstmAutoEncoderModule))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _encoder = new LstmEncoder(options);
        register_module("encoder", _encoder);
        if (options.HasReconstructionDecoder)
        {
            _reconstructionDecoder = new LstmDecoder(options, options.InputFrames);
            register_module("reconstruct_decoder", _reconstructionDecoder);
        }
        if (options.HasPredictionDecoder)
        {
            _predictionDecoder = new LstmDecoder(options, options.FutureFrames);
            register_module("predict_decoder", _predictionDecoder);
        }
    }

    /// <summary>Registers nothing: the constructor registered the submodules by name, and the default would register
    /// them again under their fields' names (TorchSharp calls this when a parent registers the module).</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>The options the modules were built from.</summary>
    public LstmAutoEncoderModelOptions Options { get; }

    /// <summary>The encoder.</summary>
    public LstmEncoder Encoder => _encoder;

    /// <summary>The decoder that rebuilds the input in reverse order, or null in prediction-only mode.</summary>
    public LstmDecoder? ReconstructionDecoder => _reconstructionDecoder;

    /// <summary>The decoder that generates the future frames, or null in reconstruction-only mode.</summary>
    public LstmDecoder? PredictionDecoder => _predictionDecoder;

    /// <summary>The generator the encoder's and decoders' dropout masks are drawn from while training on the CPU;
    /// null for torch's process-wide one.</summary>
    internal Generator? DropoutDraws
    {
        get => _encoder.DropoutDraws;
        set
        {
            _encoder.DropoutDraws = value;
            if (_reconstructionDecoder is not null) _reconstructionDecoder.DropoutDraws = value;
            if (_predictionDecoder is not null) _predictionDecoder.DropoutDraws = value;
        }
    }

    /// <summary>
    /// The parameters training updates: all but those the decoders never multiply (<see cref="LstmDecoder.IdleParameters"/>),
    /// so an optimizer keeps no state for weights that never get a gradient.
    /// </summary>
    internal IEnumerable<TorchSharp.Modules.Parameter> TrainedParameters()
    {
        var idle = new HashSet<TorchSharp.Modules.Parameter>(
            new[] { _reconstructionDecoder, _predictionDecoder }.SelectMany(decoder => decoder?.IdleParameters ?? []),
            ReferenceEqualityComparer.Instance);
        return parameters().Where(parameter => !idle.Contains(parameter));
    }

    /// <summary>Encodes <paramref name="input"/> and runs the decoders the model has.</summary>
    /// <param name="input">Input frames v1..vn, [batch, input frames, frame size].</param>
    /// <param name="future">
    /// The true future frames [batch, future frames, frame size]; only a teacher-forced prediction decoder reads
    /// them, and only while training. May be null otherwise.
    /// </param>
    public override AutoEncoderOutput forward(Tensor input, Tensor? future)
    {
        LstmState state = _encoder.call(input);
        Tensor? reconstruction = _reconstructionDecoder?.call(state, ReconstructionDecoderTargets(input));
        Tensor? prediction = _predictionDecoder?.call(state, future);
        return new AutoEncoderOutput(state, reconstruction, prediction);
    }

    /// <summary>What the reconstruction decoder reads besides the state: the input reversed, for a teacher-forced
    /// decoder while training; null otherwise.</summary>
    internal Tensor? ReconstructionDecoderTargets(Tensor input) =>
        Options.Conditioning == DecoderConditioning.TeacherForced && training ? input.flip(1) : null;

    /// <summary>Loads parameters with TorchSharp's <c>load</c>, which writes CPU weights through their memory, then
    /// raises each parameter's libtorch version, so inference does not keep casts of the old weights.</summary>
    /// <inheritdoc/>
    public override nn.Module load(BinaryReader reader, bool strict = true, IList<string>? skip = null, Dictionary<string, bool>? loadedParameters = null) =>
        TensorVersion.MarkLoaded(this, base.load(reader, strict, skip, loadedParameters));
}
