using System.Globalization;
using LstmAe.Data;
using LstmAe.Metrics;
using LstmAe.Model;

namespace LstmAe.Cli.Commands;

/// <summary>Frame metrics of a model's reconstructions and predictions over a set of sequences.</summary>
/// <param name="Reconstruction">Metrics of the reconstructed input frames, or null without that decoder.</param>
/// <param name="Prediction">Metrics of the predicted frames, or null without that decoder or without future frames.</param>
internal sealed record ModelEvaluation(FrameMetricsSummary? Reconstruction, FrameMetricsSummary? Prediction)
{
    /// <param name="model">The model to score.</param>
    /// <param name="data">The sequences.</param>
    /// <param name="frames">Leading frames of each sequence to read: the model's input frames, or its input and future
    /// frames (see <see cref="SequenceBatch.FramesFor"/>).</param>
    /// <param name="batchSize">Sequences per forward pass.</param>
    public static ModelEvaluation Run(LstmAutoEncoder model, ISequenceCollection data, int frames, int batchSize)
    {
        var options = model.Options;
        bool hasFuture = frames > options.InputFrames;
        var shape = new FrameShape(options.FrameHeight, options.FrameWidth);
        // Only a mean-squared-error model's outputs are unbounded and need clipping; logistic ones are probabilities.
        bool clip = options.Objective == TrainingObjective.MeanSquaredError;
        var reconstruction = options.HasReconstructionDecoder ? new FrameMetricsAccumulator(shape, clip) : null;
        var prediction = options.HasPredictionDecoder && hasFuture ? new FrameMetricsAccumulator(shape, clip) : null;
        int inputLength = options.InputSequenceLength, futureLength = options.FutureFrames * options.FrameSize;

        foreach (var (first, count) in SequenceBatch.Batches(data.Count, batchSize))
        {
            float[] rows = SequenceBatch.Read(data, first, count, frames);
            int stride = rows.Length / count;
            if (reconstruction is not null)
            {
                float[] rebuilt = model.Reconstruct(rows, count);
                for (int i = 0; i < count; i++)
                {
                    reconstruction.Add(rows.AsSpan(i * stride, inputLength), rebuilt.AsSpan(i * inputLength, inputLength));
                }
            }
            if (prediction is not null)
            {
                float[] predicted = model.Predict(rows, count);
                for (int i = 0; i < count; i++)
                {
                    prediction.Add(rows.AsSpan(i * stride + inputLength, futureLength), predicted.AsSpan(i * futureLength, futureLength));
                }
            }
        }
        return new ModelEvaluation(reconstruction?.Summarize(), prediction?.Summarize());
    }

    /// <summary>A small fixed-width table: one row per decoder, one column per metric.</summary>
    public void WriteTable(TextWriter output)
    {
        output.WriteLine($"{"",-15} {"frames",8} {"BCE nats/frame",15} {"MSE/frame",10} {"MAE/frame",10} {"SSIM",7}");
        WriteRow(output, "reconstruction", Reconstruction);
        WriteRow(output, "prediction", Prediction);
    }

    private static void WriteRow(TextWriter output, string name, FrameMetricsSummary? summary)
    {
        if (summary is null)
        {
            return;
        }
        string ssim = summary.Ssim is double value ? value.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
        output.WriteLine(FormattableString.Invariant($"{name,-15} {summary.Frames,8} {summary.CrossEntropyNats,15:F1} {summary.SquaredError,10:F2} {summary.AbsoluteError,10:F2} {ssim,7}"));
    }
}
