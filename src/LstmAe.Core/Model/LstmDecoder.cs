using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// Generates a fixed number of frames from an encoder state, one LSTM step at a time, so that each step's input
/// can depend on the previous step's output (<see cref="DecoderConditioning"/>). A Linear layer maps the top
/// layer's hidden state back to a frame. Parameters are named as in the PyTorch tutorial (<c>lstm.*</c>, <c>fc.*</c>).
/// </summary>
public sealed class LstmDecoder : nn.Module<LstmState, Tensor?, Tensor>
{
    private readonly LSTM lstm;
    private readonly Linear fc;
    private readonly int steps;
    private readonly DecoderConditioning conditioning;
    private readonly TrainingObjective objective;

    /// <summary>Creates a decoder that emits <paramref name="steps"/> frames.</summary>
    /// <param name="options">Frame size, hidden size, layers, dropout, conditioning and objective.</param>
    /// <param name="steps">Frames generated per call.</param>
    public LstmDecoder(LstmAutoEncoderModelOptions options, int steps) : base(nameof(LstmDecoder))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        lstm = nn.LSTM(options.FrameSize, options.HiddenSize, options.Layers, batchFirst: true,
            dropout: options.Layers > 1 ? options.Dropout : 0);
        fc = nn.Linear(options.HiddenSize, options.FrameSize);
        this.steps = steps;
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
        long batch = initialState.Hidden.shape[1];
        long frameSize = fc.weight!.shape[0];
        bool teacherForced = conditioning == DecoderConditioning.TeacherForced && training;
        if (teacherForced && targets is null)
            throw new ArgumentException("A teacher-forced decoder needs its target frames while training.", nameof(targets));

        var state = (initialState.Hidden, initialState.Cell);
        Tensor input = zeros(batch, 1, frameSize, dtype: initialState.Hidden.dtype, device: initialState.Hidden.device);
        var frames = new Tensor[steps];
        for (int t = 0; t < steps; t++)
        {
            var (output, hidden, cell) = lstm.call(input, state);
            state = (hidden, cell);
            frames[t] = fc.call(output);
            input = NextInput(frames[t], teacherForced ? targets![.., t..(t + 1)] : null);
        }
        return cat(frames, dim: 1);
    }

    private Tensor NextInput(Tensor previousOutput, Tensor? previousTarget) => conditioning switch
    {
        DecoderConditioning.Unconditioned => zeros_like(previousOutput),
        _ when previousTarget is not null => previousTarget,
        // Conditional, and teacher-forced at inference: the model's own previous frame, as pixel values.
        _ => objective == TrainingObjective.BinaryCrossEntropy ? sigmoid(previousOutput) : previousOutput,
    };
}
