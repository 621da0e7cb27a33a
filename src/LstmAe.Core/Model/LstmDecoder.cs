using LstmAe.Interop;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Generates a fixed number of frames from an encoder state. A conditional decoder runs one LSTM step at a time,
/// since each step's input is the previous step's output (<see cref="DecoderConditioning"/>); a teacher-forced decoder
/// knows all inputs up front and runs the steps in one call; an unconditioned one skips its all-zero input
/// (<see cref="StackedLstmRunner"/>), except under cuDNN, which takes the zeros in one call
/// (<see cref="StackedLstmShape.UsesFusedKernel(DeviceType, MatrixPrecision, LstmUse)"/> chooses). A Linear layer maps the top layer's hidden state back to a frame. Under
/// <see cref="MatrixPrecision.BFloat16"/> every matrix product runs in bfloat16. Parameters are named as in the
/// PyTorch tutorial (<c>lstm.*</c>, <c>fc.*</c>).
/// </summary>
public sealed class LstmDecoder : nn.Module<LstmState, Tensor?, Tensor>
{
    private readonly LSTM _lstm;
    private readonly Linear _fc;
    private readonly int _steps;
    private readonly int _frameSize;
    private readonly StackedLstmShape _shape;
    private readonly DecoderConditioning _conditioning;
    private readonly TrainingObjective _objective;
    private readonly MatrixProducts _products;

    /// <summary>Creates a decoder that emits <paramref name="steps"/> frames.</summary>
    /// <param name="options">Frame size, hidden size, layers, dropout, conditioning, objective and matrix precision.</param>
    /// <param name="steps">Frames generated per call.</param>
    public LstmDecoder(LstmAutoEncoderModelOptions options, int steps) : base(nameof(LstmDecoder))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        _shape = StackedLstmShape.Of(options);
        _lstm = _shape.CreateModule();
        _fc = nn.Linear(options.HiddenSize, options.FrameSize);
        _steps = steps;
        _frameSize = options.FrameSize;
        _conditioning = options.Conditioning;
        _objective = options.Objective;
        _products = MatrixProducts.WithWeightCache(options.MatrixPrecision);
        // By name: the state_dict keys are the PyTorch tutorial's, whatever the fields are called.
        register_module("lstm", _lstm);
        register_module("fc", _fc);
    }

    /// <summary>Registers nothing: the constructor registered the submodules by name, and the default would register
    /// them again under their fields' names (TorchSharp calls this when a parent registers the module).</summary>
    protected override void RegisterComponents()
    {
    }

    /// <summary>Frames generated per call.</summary>
    public int Steps => _steps;

    /// <inheritdoc cref="LstmEncoder.DropoutDraws"/>
    internal Generator? DropoutDraws { get; set; }

    /// <summary>
    /// Parameters this decoder never multiplies, so they never get a gradient: an unconditioned decoder's first-layer
    /// input weights (its input is always zero). They stay in the state_dict for PyTorch interchange.
    /// </summary>
    internal IEnumerable<TorchSharp.Modules.Parameter> IdleParameters =>
        _conditioning == DecoderConditioning.Unconditioned ? [_lstm.get_parameter("weight_ih_l0")!] : [];

    /// <summary>Sets the output biases, one per pixel (logits under cross-entropy).</summary>
    internal void SetOutputBias(float[] values)
    {
        using var noGrad = no_grad();
        using Tensor source = tensor(values, dtype: ScalarType.Float32);
        _fc.bias!.copy_(source);
    }

    /// <summary>
    /// Generates the frames: [batch, steps, frame size], logits under cross-entropy, pixel values under MSE.
    /// </summary>
    /// <param name="initialState">The encoder's final state.</param>
    /// <param name="targets">
    /// The frames this decoder should produce, [batch, steps, frame size]; read only by a teacher-forced decoder
    /// while training (step t then gets target t - 1). May be null otherwise.
    /// </param>
    public override Tensor forward(LstmState initialState, Tensor? targets)
    {
        bool teacherForced = _conditioning == DecoderConditioning.TeacherForced && training;
        if (teacherForced && targets is null)
            throw new ArgumentException("A teacher-forced decoder needs its target frames while training.", nameof(targets));

        LstmUse use = _conditioning switch
        {
            DecoderConditioning.Unconditioned => LstmUse.UnconditionedDecoder,
            _ when teacherForced => LstmUse.TeacherForcedDecoder,
            _ => LstmUse.FeedbackDecoder,
        };
        // The runner is created once per call, so that each weight is cast once.
        StackedLstmRunner? runner =
            StackedLstmShape.UsesFusedKernel(initialState.Hidden.device_type, _products.Precision, use) ? null : CreateRunner();
        // Without gradients, the output weight's kept cast; with them each step casts its own, so the steps'
        // gradients are summed in float32.
        Tensor outputWeight = is_grad_enabled() ? _fc.weight! : _products.Weight("fc.weight", _fc.weight!);
        if (use == LstmUse.UnconditionedDecoder)
        {
            // The runner skips the zero input's product; the fused kernel takes the zeros whole, in one call.
            return Emit(outputWeight, runner is not null
                ? runner.Run(input: null, _steps, initialState).Output
                : RunLstm(null, zeros(initialState.Hidden.shape[1], _steps, _frameSize, initialState.Hidden.dtype, initialState.Hidden.device), initialState).Output);
        }
        if (teacherForced)
            return Emit(outputWeight, RunLstm(runner, TeacherForcedInputs(initialState, targets!), initialState).Output);

        LstmState state = initialState;
        Tensor input = FirstInput(initialState);
        var frames = new Tensor[_steps];
        for (int t = 0; t < _steps; t++)
        {
            (Tensor output, state) = RunLstm(runner, input, state);
            frames[t] = Emit(outputWeight, output);
            input = NextInput(frames[t]);
        }
        return cat(frames, dim: 1);
    }

    /// <summary>A runner over this decoder's LSTM, for one forward pass.</summary>
    private StackedLstmRunner CreateRunner() => new(_lstm, _shape, _products, training, DropoutDraws);

    /// <summary>
    /// Runs the LSTM over <paramref name="inputs"/> [batch, steps, frame size]: through the runner when there is one,
    /// else through the fused kernel.
    /// </summary>
    private (Tensor Output, LstmState State) RunLstm(StackedLstmRunner? runner, Tensor inputs, LstmState state) =>
        runner is not null
            ? runner.Run(inputs, (int)inputs.shape[1], state)
            : _shape.RunFused(_lstm, inputs, state, _products, training);

    /// <summary>
    /// Under teacher forcing no input depends on an output, so all steps run in one LSTM call: the same arithmetic
    /// as the step loop, with one large matrix product instead of many small ones. Step t gets target t - 1.
    /// </summary>
    private Tensor TeacherForcedInputs(LstmState initialState, Tensor targets) =>
        cat([FirstInput(initialState), targets[.., ..(_steps - 1)]], dim: 1);

    /// <summary>The zero frame every decoder starts from, [batch, 1, frame size].</summary>
    private Tensor FirstInput(LstmState initialState) =>
        zeros(initialState.Hidden.shape[1], 1, _frameSize, initialState.Hidden.dtype, initialState.Hidden.device);

    /// <summary>Maps top-layer hidden states to frames with <c>fc</c>, its product in the model's precision.</summary>
    /// <param name="weight"><c>fc.weight</c>, or its cast (<see cref="MatrixProducts.Weight"/>).</param>
    /// <param name="hidden">Top-layer hidden states.</param>
    private Tensor Emit(Tensor weight, Tensor hidden) => _products.Linear(hidden, weight, _fc.bias);

    /// <summary>A conditional decoder's next input: its own previous frame, as pixel values.</summary>
    private Tensor NextInput(Tensor previousOutput) =>
        _objective == TrainingObjective.BinaryCrossEntropy ? sigmoid(previousOutput) : previousOutput;

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
