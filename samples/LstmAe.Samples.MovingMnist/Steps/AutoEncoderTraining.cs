using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Samples.MovingMnist.Reporting;
using LstmAe.Training;
using Microsoft.ML;

namespace LstmAe.Samples.MovingMnist.Steps;

/// <summary>Fits the <c>LstmAutoEncode</c> pipeline, showing its progress live and keeping the losses for the loss curves.</summary>
internal static class AutoEncoderTraining
{
    public const string FramesColumn = "Frames", FeaturesColumn = "Features", ReconstructionColumn = "Reconstruction", PredictionColumn = "Prediction";

    /// <summary>The paper's objective: logistic outputs, cross-entropy.</summary>
    public const TrainingObjective Objective = TrainingObjective.BinaryCrossEntropy;

    public static (LstmAutoEncoderTransformer Model, LossHistory History) Fit(
        MLContext mlContext, SampleData data, SampleSettings settings, ISampleConsole console)
    {
        long stepsPerEpoch = (settings.TrainSequences + settings.BatchSize - 1) / settings.BatchSize;
        var history = new LossHistory();
        var model = console.Train(stepsPerEpoch * settings.Epochs, progress =>
        {
            var reports = new SynchronousProgress<TrainingProgress>(report =>
            {
                history.Report(report);
                progress.Report(report);
            });
            return mlContext.Transforms.LstmAutoEncode(Options(data, settings, reports)).Fit(data.Train);
        });
        return (model, history);
    }

    private static LstmAutoEncoderOptions Options(SampleData data, SampleSettings settings,
        IProgress<TrainingProgress> progress) => new()
    {
        InputColumnName = FramesColumn,
        OutputColumnName = FeaturesColumn,
        EncoderFeatures = settings.Features,
        ReconstructionColumnName = ReconstructionColumn,
        PredictionColumnName = PredictionColumn,
        Model = LstmAutoEncoderOptions.DefaultModel with
        {
            InputFrames = settings.InputFrames,
            FutureFrames = settings.FutureFrames,
            HiddenSize = settings.HiddenSize,
            Mode = AutoEncoderMode.Composite,
            Objective = Objective,
            Conditioning = settings.Conditioning,
            MatrixPrecision = settings.MatrixPrecision,
        },
        Training = settings.Training,
        Device = settings.Device,
        ValidationData = data.Validation,
        Progress = progress,
    };
}
