using LstmAe.Metrics;
using LstmAe.Model;
using LstmAe.Visualization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.MovingMnist.Steps;

/// <summary>
/// Scores the loaded model on the test set from its output columns: frame metrics of the reconstruction and the
/// prediction, and the first few sequences kept for drawing.
/// </summary>
/// <param name="Reconstruction">Metrics of the reconstructed input frames.</param>
/// <param name="Prediction">Metrics of the predicted future frames.</param>
/// <param name="Examples">The first test sequences with what the model made of them.</param>
internal sealed record TestEvaluation(FrameMetricsSummary Reconstruction, FrameMetricsSummary Prediction, IReadOnlyList<SequenceComparison> Examples)
{
    public static TestEvaluation Run(ITransformer model, IDataView test, SampleSettings settings)
    {
        var scored = model.Transform(test);
        var shape = new FrameShape(settings.FrameSize, settings.FrameSize);
        // Only a mean-squared-error model's outputs are unbounded and need clipping; logistic ones are probabilities.
        bool clip = AutoEncoderTraining.Objective == TrainingObjective.MeanSquaredError;
        var reconstruction = new FrameMetricsAccumulator(shape, clip);
        var prediction = new FrameMetricsAccumulator(shape, clip);
        var examples = new List<SequenceComparison>();
        int inputLength = settings.InputFrames * shape.Size, futureLength = settings.FutureFrames * shape.Size;

        var columns = new[] { AutoEncoderTraining.FramesColumn, AutoEncoderTraining.ReconstructionColumn, AutoEncoderTraining.PredictionColumn }
            .Select(name => scored.Schema[name]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var getters = columns.Select(column => cursor.GetGetter<VBuffer<float>>(column)).ToArray();
        VBuffer<float> frames = default, rebuilt = default, predicted = default;
        while (cursor.MoveNext())
        {
            getters[0](ref frames);
            getters[1](ref rebuilt);
            getters[2](ref predicted);
            var truth = frames.GetValues();
            reconstruction.Add(truth[..inputLength], rebuilt.GetValues());
            prediction.Add(truth.Slice(inputLength, futureLength), predicted.GetValues());
            if (examples.Count < settings.RenderedSequences)
            {
                examples.Add(new SequenceComparison(settings.FrameSize, settings.FrameSize,
                    Input: truth[..inputLength].ToArray(),
                    Future: truth.Slice(inputLength, futureLength).ToArray(),
                    Reconstruction: rebuilt.GetValues().ToArray(),
                    Prediction: predicted.GetValues().ToArray()));
            }
        }
        return new TestEvaluation(reconstruction.Summarize(), prediction.Summarize(), examples);
    }
}
