using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Samples.MovingMnist.Reporting;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace LstmAe.Samples.MovingMnist.Steps;

/// <summary>Fits the <c>LstmAutoEncode</c> pipeline, turning the estimator's log lines into live progress.</summary>
internal static class AutoEncoderTraining
{
    public const string FramesColumn = "Frames", FeaturesColumn = "Features", ReconstructionColumn = "Reconstruction", PredictionColumn = "Prediction";

    public static (LstmAutoEncoderTransformer Model, LossHistory History) Fit(
        MLContext mlContext, SampleData data, SampleSettings settings, ISampleConsole console)
    {
        var pipeline = mlContext.Transforms.LstmAutoEncode(new LstmAutoEncoderOptions
        {
            InputColumnName = FramesColumn,
            OutputColumnName = FeaturesColumn,
            ReconstructionColumnName = ReconstructionColumn,
            PredictionColumnName = PredictionColumn,
            InputFrames = settings.InputFrames,
            FutureFrames = settings.FutureFrames,
            HiddenSize = settings.HiddenSize,
            Mode = AutoEncoderMode.Composite,
            Objective = TrainingObjective.BinaryCrossEntropy,
            Conditioning = settings.Conditioning,
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            LearningRate = settings.LearningRate,
            GradientClipNorm = settings.GradientClipNorm,
            ValidationData = data.Validation,
            Seed = settings.Seed,
            LogEverySteps = 1,
        });

        long stepsPerEpoch = (settings.TrainSequences + settings.BatchSize - 1) / settings.BatchSize;
        var history = new LossHistory();
        var model = console.Train(stepsPerEpoch * settings.Epochs, progress =>
        {
            // The estimator reports progress through mlContext.Log; read its progress lines back while it trains.
            void OnLog(object? sender, LoggingEventArgs e)
            {
                if (e.Kind == ChannelMessageKind.Info && TrainingLogEntry.TryParse(e.RawMessage) is { } entry)
                {
                    history.Report(entry);
                    progress.Report(entry);
                }
            }
            mlContext.Log += OnLog;
            try
            {
                return pipeline.Fit(data.Train);
            }
            finally
            {
                mlContext.Log -= OnLog;
            }
        });
        if (history.Training.Count == 0)
        {
            throw new InvalidOperationException("Training reported no progress lines in mlContext.Log; the loss curves cannot be drawn.");
        }
        return (model, history);
    }
}
