using LstmAe.Data;
using LstmAe.Model;

namespace LstmAe.Cli.Commands;

/// <summary>Reads sequences into the row layout <see cref="LstmAutoEncoder"/> takes, checking they fit the model.</summary>
internal static class SequenceBatch
{
    /// <summary>
    /// The frames a model needs from each sequence: input plus future frames when the data has them, else only the
    /// input frames. Fails when the frame size differs or the sequences are shorter than the model's input.
    /// </summary>
    public static int FramesFor(ISequenceCollection data, LstmAutoEncoderModelOptions model)
    {
        if (data.FrameHeight != model.FrameHeight || data.FrameWidth != model.FrameWidth)
        {
            throw new CliException(
                $"The model reads {model.FrameHeight}x{model.FrameWidth} frames but {data.Description} are {data.FrameHeight}x{data.FrameWidth}.");
        }
        if (data.FrameCount < model.InputFrames)
        {
            throw new CliException(
                $"The model reads {model.InputFrames} frames per sequence but {data.Description} have only {data.FrameCount}.");
        }
        return data.FrameCount >= model.InputFrames + model.FutureFrames ? model.InputFrames + model.FutureFrames : model.InputFrames;
    }

    /// <summary>Copies sequences [first, first + count), each cut to its first <paramref name="frames"/> frames.</summary>
    public static float[] Read(ISequenceCollection data, int first, int count, int frames)
    {
        int frameSize = data.FrameHeight * data.FrameWidth, stride = frames * frameSize;
        var rows = new float[(long)count * stride];
        var sequence = new float[data.FrameCount * frameSize];
        for (int i = 0; i < count; i++)
        {
            data.ReadSequence(first + i, sequence);
            sequence.AsSpan(0, stride).CopyTo(rows.AsSpan(i * stride, stride));
        }
        return rows;
    }

    /// <summary>Splits [0, count) into consecutive batches.</summary>
    public static IEnumerable<(int First, int Count)> Batches(int count, int batchSize)
    {
        for (int first = 0; first < count; first += batchSize)
        {
            yield return (first, Math.Min(batchSize, count - first));
        }
    }
}
