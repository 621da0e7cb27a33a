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
    private readonly LstmAutoEncoderModelOptions _options;
    private readonly int _hidden, _frameSize, _layers;

    /// <summary>A reference with the weights of <paramref name="model"/>, widened to float64.</summary>
    public ReferenceAutoEncoder(LstmAutoEncoder model)
    {
        _options = model.Options;
        (_hidden, _frameSize, _layers) = (_options.HiddenSize, _options.FrameSize, _options.Layers);
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
        int inputFrames = _options.InputFrames, futureFrames = _options.FutureFrames;
        var encoder = new ReferenceLstm(Parameters, "encoder.lstm.", _hidden, _layers);
        var hiddenOut = new double[_layers * batch * _hidden];
        var cellOut = new double[_layers * batch * _hidden];
        var topHiddenMean = new double[batch * _hidden];
        double[]? reconstruction = decode && _options.HasReconstructionDecoder ? new double[batch * inputFrames * _frameSize] : null;
        double[]? prediction = decode && _options.HasPredictionDecoder ? new double[batch * futureFrames * _frameSize] : null;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = sequences.Slice(b * _options.FullSequenceLength, _options.FullSequenceLength);
            double[][] input = Frames(row[..(inputFrames * _frameSize)], inputFrames);
            double[][] future = Frames(row[(inputFrames * _frameSize)..], futureFrames);

            LstmLayerState[] state = encoder.ZeroState();
            foreach (double[] frame in input)
            {
                encoder.Step(state, frame, scale);
                for (int i = 0; i < _hidden; i++) topHiddenMean[b * _hidden + i] += state[_layers - 1].Hidden[i] / inputFrames;
            }
            for (int l = 0; l < _layers; l++)
            {
                state[l].Hidden.CopyTo(hiddenOut, (l * batch + b) * _hidden);
                state[l].Cell.CopyTo(cellOut, (l * batch + b) * _hidden);
            }

            if (reconstruction is not null)
            {
                Decode("reconstruct_decoder", state, input.Reverse().ToArray(), training, scale)
                    .CopyTo(reconstruction, b * inputFrames * _frameSize);
            }

            if (prediction is not null)
                Decode("predict_decoder", state, future, training, scale).CopyTo(prediction, b * futureFrames * _frameSize);
        }
        return new ReferenceOutput(hiddenOut, cellOut, reconstruction, prediction, scale) { TopHiddenMean = topHiddenMean };
    }

    /// <summary>One decoder over one sequence from a copy of the encoder state; its frames in decoder order.</summary>
    private double[] Decode(string name, LstmLayerState[] encoderState, double[][] targets, bool training, ReferenceScale scale)
    {
        bool teacherForced = _options.Conditioning == DecoderConditioning.TeacherForced && training;
        var lstm = new ReferenceLstm(Parameters, name + ".lstm.", _hidden, _layers);
        double[] weight = Parameters[name + ".fc.weight"], bias = Parameters[name + ".fc.bias"];
        LstmLayerState[] state = encoderState.Select(s => s.Copy()).ToArray();
        var result = new double[targets.Length * _frameSize];
        var frame = new double[_frameSize];
        for (int t = 0; t < targets.Length; t++)
        {
            double[] top = lstm.Step(state, frame, scale);
            var output = new double[_frameSize];
            for (int p = 0; p < _frameSize; p++)
                output[p] = bias[p] + scale.Product(weight.AsSpan(p * _hidden, _hidden), top);
            output.CopyTo(result, t * _frameSize);
            frame = _options.Conditioning switch
            {
                DecoderConditioning.Unconditioned => new double[_frameSize],
                _ when teacherForced => targets[t],
                _ when _options.Objective == TrainingObjective.BinaryCrossEntropy => Array.ConvertAll(output, ReferenceLstm.Sigmoid),
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
            frames[t] = new double[_frameSize];
            for (int p = 0; p < _frameSize; p++) frames[t][p] = values[t * _frameSize + p];
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
