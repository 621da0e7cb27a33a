using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Generates a fixed number of frames from an encoder state. A conditional decoder runs one LSTM step at a time,
/// since each step's input is the previous step's output (<see cref="DecoderConditioning"/>); a teacher-forced decoder
/// knows all inputs up front and runs the steps in one call; an unconditioned one skips its all-zero input
/// (<see cref="ZeroInputLstm"/>). A Linear layer maps the top
/// layer's hidden state back to a frame. Parameters are named as in the PyTorch tutorial (<c>lstm.*</c>, <c>fc.*</c>).
/// </summary>
public sealed class LstmDecoder : nn.Module<LstmState, Tensor?, Tensor>
{
    private readonly LSTM lstm;
    private readonly Linear fc;
    private readonly int steps;
    private readonly int frameSize;
    private readonly int layers;
    private readonly double dropout;
    private readonly DecoderConditioning conditioning;
    private readonly TrainingObjective objective;

    /// <summary>Creates a decoder that emits <paramref name="steps"/> frames.</summary>
    /// <param name="options">Frame size, hidden size, layers, dropout, conditioning and objective.</param>
    /// <param name="steps">Frames generated per call.</param>
    public LstmDecoder(LstmAutoEncoderModelOptions options, int steps) : base(nameof(LstmDecoder))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        layers = options.Layers;
        dropout = options.Layers > 1 ? options.Dropout : 0;
        lstm = nn.LSTM(options.FrameSize, options.HiddenSize, layers, batchFirst: true, dropout: dropout);
        fc = nn.Linear(options.HiddenSize, options.FrameSize);
        this.steps = steps;
        frameSize = options.FrameSize;
        conditioning = options.Conditioning;
        objective = options.Objective;
        RegisterComponents();
    }

    /// <summary>Frames generated per call.</summary>
    public int Steps => steps;

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
        bool teacherForced = conditioning == DecoderConditioning.TeacherForced && training;
        if (teacherForced && targets is null)
            throw new ArgumentException("A teacher-forced decoder needs its target frames while training.", nameof(targets));

        if (conditioning == DecoderConditioning.Unconditioned)
            return fc.call(ZeroInputLstm.Run(lstm, layers, steps, initialState, dropout, training));
        if (teacherForced)
            return DecodeTeacherForced(initialState, targets!);

        var state = (initialState.Hidden, initialState.Cell);
        Tensor input = zeros(initialState.Hidden.shape[1], 1, frameSize, dtype: initialState.Hidden.dtype, device: initialState.Hidden.device);
        var frames = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            var (output, hidden, cell) = lstm.call(input, state);
            state = (hidden, cell);
            frames[t] = fc.call(output);
            input = NextInput(frames[t]);
        }
        return cat(frames, dim: 1);
    }

    /// <summary>
    /// Under teacher forcing no input depends on an output, so all steps run in one LSTM call: the same arithmetic
    /// as the step loop, with one large matrix product instead of many small ones.
    /// </summary>
    private Tensor DecodeTeacherForced(LstmState initialState, Tensor targets)
    {
        long batch = initialState.Hidden.shape[1];
        Tensor firstInput = zeros(batch, 1, frameSize, initialState.Hidden.dtype, initialState.Hidden.device);
        Tensor inputs = cat([firstInput, targets[.., ..(steps - 1)]], dim: 1);
        var (output, _, _) = lstm.call(inputs, (initialState.Hidden, initialState.Cell));
        return fc.call(output);
    }

    /// <summary>A conditional decoder's next input: its own previous frame, as pixel values.</summary>
    private Tensor NextInput(Tensor previousOutput) =>
        objective == TrainingObjective.BinaryCrossEntropy ? sigmoid(previousOutput) : previousOutput;
}
