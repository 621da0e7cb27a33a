using LstmAe.Model;

namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// The composite autoencoder's forward pass in float64 on plain arrays (<see cref="ReferenceLstm"/> for the encoder
/// and both decoders, the paper's zero first frame and feedback), with no libtorch kernel in it: the ground truth
/// that the parity tests hold LstmAe's float32 and bfloat16 results to on any CPU. Parameters are kept by their
/// state_dict names so a test can perturb one for finite differences; every product is measured
/// (<see cref="ReferenceScale"/>) so that tolerances follow from rounding, not from what one CPU gave.
/// </summary>
internal sealed class ReferenceAutoEncoder
{
    private readonly LstmAutoEncoderModelOptions options;
    private readonly int hidden, frameSize, layers;

    /// <summary>A reference with the weights of <paramref name="model"/>, widened to float64.</summary>
    public ReferenceAutoEncoder(LstmAutoEncoder model)
    {
        options = model.Options;
        (hidden, frameSize, layers) = (options.HiddenSize, options.FrameSize, options.Layers);
        Parameters = TinyModels.Weights(model).ToDictionary(p => p.Key, p => Array.ConvertAll(p.Value, v => (double)v));
    }

    /// <summary>The parameters by state_dict name; a test may change them between runs.</summary>
    public Dictionary<string, double[]> Parameters { get; }

    /// <summary>
    /// Runs the model on <paramref name="sequences"/> (input then future frames per row, as
    /// <see cref="LstmAutoEncoderModelOptions.FullSequenceLength"/>). <paramref name="training"/> selects teacher
    /// forcing for a teacher-forced model, as <c>CompositeLstmAutoEncoderModule</c> does; there is no dropout. With
    /// <paramref name="decode"/> false only the encoder runs.
    /// </summary>
    public ReferenceOutput Run(ReadOnlySpan<float> sequences, int batch, bool training, bool decode = true)
    {
        var scale = new ReferenceScale();
        int inputFrames = options.InputFrames, futureFrames = options.FutureFrames;
        var encoder = new ReferenceLstm(Parameters, "encoder.lstm.", hidden, layers);
        var hiddenOut = new double[layers * batch * hidden];
        var cellOut = new double[layers * batch * hidden];
        var topHiddenMean = new double[batch * hidden];
        double[]? reconstruction = decode && options.HasReconstructionDecoder ? new double[batch * inputFrames * frameSize] : null;
        double[]? prediction = decode && options.HasPredictionDecoder ? new double[batch * futureFrames * frameSize] : null;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = sequences.Slice(b * options.FullSequenceLength, options.FullSequenceLength);
            double[][] input = Frames(row[..(inputFrames * frameSize)], inputFrames);
            double[][] future = Frames(row[(inputFrames * frameSize)..], futureFrames);

            LstmLayerState[] state = encoder.ZeroState();
            foreach (double[] frame in input)
            {
                encoder.Step(state, frame, scale);
                for (int i = 0; i < hidden; i++) topHiddenMean[b * hidden + i] += state[layers - 1].Hidden[i] / inputFrames;
            }
            for (int l = 0; l < layers; l++)
            {
                state[l].Hidden.CopyTo(hiddenOut, (l * batch + b) * hidden);
                state[l].Cell.CopyTo(cellOut, (l * batch + b) * hidden);
            }

            if (reconstruction is not null)
                Decode("reconstruct_decoder", state, input.Reverse().ToArray(), training, scale)
                    .CopyTo(reconstruction, b * inputFrames * frameSize);
            if (prediction is not null)
                Decode("predict_decoder", state, future, training, scale).CopyTo(prediction, b * futureFrames * frameSize);
        }
        return new ReferenceOutput(hiddenOut, cellOut, reconstruction, prediction, scale) { TopHiddenMean = topHiddenMean };
    }

    /// <summary>One decoder over one sequence from a copy of the encoder state; its frames in decoder order.</summary>
    private double[] Decode(string name, LstmLayerState[] encoderState, double[][] targets, bool training, ReferenceScale scale)
    {
        bool teacherForced = options.Conditioning == DecoderConditioning.TeacherForced && training;
        var lstm = new ReferenceLstm(Parameters, name + ".lstm.", hidden, layers);
        double[] weight = Parameters[name + ".fc.weight"], bias = Parameters[name + ".fc.bias"];
        LstmLayerState[] state = encoderState.Select(s => s.Copy()).ToArray();
        var result = new double[targets.Length * frameSize];
        var frame = new double[frameSize];
        for (int t = 0; t < targets.Length; t++)
        {
            double[] top = lstm.Step(state, frame, scale);
            var output = new double[frameSize];
            for (int p = 0; p < frameSize; p++)
                output[p] = bias[p] + scale.Product(weight.AsSpan(p * hidden, hidden), top);
            output.CopyTo(result, t * frameSize);
            frame = options.Conditioning switch
            {
                DecoderConditioning.Unconditioned => new double[frameSize],
                _ when teacherForced => targets[t],
                _ when options.Objective == TrainingObjective.BinaryCrossEntropy => Array.ConvertAll(output, ReferenceLstm.Sigmoid),
                _ => output,
            };
        }
        return result;
    }

    private double[][] Frames(ReadOnlySpan<float> values, int count)
    {
        var frames = new double[count][];
        for (int t = 0; t < count; t++)
        {
            frames[t] = new double[frameSize];
            for (int p = 0; p < frameSize; p++) frames[t][p] = values[t * frameSize + p];
        }
        return frames;
    }
}

/// <summary>What <see cref="ReferenceAutoEncoder.Run"/> computes, in float64, laid out as LstmAe's tensors are.</summary>
/// <param name="Hidden">The encoder's final h, [layers, batch, hidden].</param>
/// <param name="Cell">The encoder's final c, [layers, batch, hidden].</param>
/// <param name="ReversedReconstruction">[batch, input frames, frame size] in decoder order, or null.</param>
/// <param name="Prediction">[batch, future frames, frame size], or null.</param>
/// <param name="Scale">The sizes of the products that were computed.</param>
internal sealed record ReferenceOutput(double[] Hidden, double[] Cell, double[]? ReversedReconstruction, double[]? Prediction, ReferenceScale Scale)
{
    /// <summary>The top layer's h after each input frame, averaged over the frames: [batch, hidden].</summary>
    public double[] TopHiddenMean { get; init; } = [];
}
