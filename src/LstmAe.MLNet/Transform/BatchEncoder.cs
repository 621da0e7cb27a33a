using LstmAe.MLNet.Schema;
using LstmAe.Model;

namespace LstmAe.MLNet.Transform;

/// <summary>
/// Runs the model on a batch of sequences for the output columns a cursor needs. One instance per transformer;
/// calls are serialised (by <see cref="SharedModel"/>'s lock) because parallel cursors share the model, and torch
/// already spreads each forward pass over the cores.
/// </summary>
internal sealed class BatchEncoder(SharedModel model, EncoderFeatures features)
{
    /// <summary>The model's options.</summary>
    public LstmAutoEncoderModelOptions Options => model.Options;

    /// <summary>Throws once the transformer has been disposed by its last owner.</summary>
    /// <exception cref="ObjectDisposedException">The model was released.</exception>
    public void ThrowIfReleased() => model.ThrowIfReleased();

    /// <summary>Floats per row of an output of kind <paramref name="kind"/>.</summary>
    public int RowSize(OutputKind kind) => kind switch
    {
        OutputKind.Features => model.Options.FeatureSize(features),
        OutputKind.Reconstruction => model.Options.InputFrames * model.Options.FrameSize,
        OutputKind.Prediction => model.Options.FutureFrames * model.Options.FrameSize,
        OutputKind.ReconstructionError => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A buffer for the input frames of <paramref name="capacity"/> rows in the format the model's inference
    /// reads (<see cref="Encode(InputFrameBuffer, int, EncodedRows)"/>), for the outputs <paramref name="into"/> is set
    /// up for. The caller disposes it.</summary>
    /// <exception cref="ObjectDisposedException">The transformer was disposed by its last owner.</exception>
    public InputFrameBuffer CreateInputBuffer(int capacity, EncodedRows into)
    {
        using (model.Use(out LstmAutoEncoder live))
            return live.CreateInputBuffer(capacity, compareFrames: into.Wants(OutputKind.ReconstructionError));
    }

    /// <summary>Computes the outputs <paramref name="into"/> is set up for, for the first <paramref name="count"/>
    /// sequences staged in <paramref name="frames"/>, in one forward pass per chunk.</summary>
    /// <exception cref="ObjectDisposedException">The transformer was disposed by its last owner.</exception>
    public void Encode(InputFrameBuffer frames, int count, EncodedRows into)
    {
        InferenceOutputs outputs = Outputs(count, into);
        using (model.Use(out LstmAutoEncoder live))
            live.Infer(frames.Take(count), outputs);
    }

    /// <summary>Computes the outputs <paramref name="into"/> is set up for, for <paramref name="count"/> sequences,
    /// in one forward pass per chunk.</summary>
    /// <exception cref="ObjectDisposedException">The transformer was disposed by its last owner.</exception>
    public void Encode(ReadOnlySpan<float> sequences, int count, EncodedRows into)
    {
        InferenceOutputs outputs = Outputs(count, into);
        using (model.Use(out LstmAutoEncoder live))
            live.Infer(sequences, count, outputs);
    }

    private InferenceOutputs Outputs(int count, EncodedRows into) => new()
    {
        Features = BufferIfWanted(into, OutputKind.Features, count),
        FeatureSet = features,
        Reconstruction = BufferIfWanted(into, OutputKind.Reconstruction, count),
        Prediction = BufferIfWanted(into, OutputKind.Prediction, count),
        ReconstructionError = BufferIfWanted(into, OutputKind.ReconstructionError, count),
    };

    private static Span<float> BufferIfWanted(EncodedRows rows, OutputKind kind, int count) =>
        rows.Wants(kind) ? rows.Buffer(kind, count) : [];
}
