using System.Globalization;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Samples.Anomaly.Data;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.Anomaly;

/// <summary>
/// Anomaly detection on multivariate sensor windows with <c>LstmAutoEncode</c>: train a reconstruction-only
/// autoencoder (MSE) on normal windows, where each time step is a frame of height 1 and width = channels; score
/// every window by its reconstruction error; raise an alarm above a quantile of the scores of normal validation
/// windows; report AUC, precision and recall with ML.NET's binary-classification evaluator.
/// </summary>
/// <param name="settings">Sizes and seeds.</param>
/// <param name="output">Where to report.</param>
public sealed class AnomalyDetectionSample(AnomalySettings settings, TextWriter output)
{
    private const string ReadingsColumn = nameof(SensorWindow.Readings), ScoreColumn = "Score", FeaturesColumn = "Features";

    /// <summary>Generates the data, trains, scores and reports.</summary>
    /// <returns>The test-set figures.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public AnomalyReport Run()
    {
        settings.Validate();
        var mlContext = new MLContext(seed: settings.Seed);
        var simulator = new SensorSimulator(settings.Plant);
        var plant = settings.Plant;
        var schema = SensorWindow.Schema(plant.Steps, plant.Channels);
        IDataView Load(SensorWindow[] windows) => mlContext.Data.LoadFromEnumerable(windows, schema);

        var train = simulator.Generate(settings.TrainWindows, anomalyFraction: 0, seed: settings.Seed);
        var validation = simulator.Generate(settings.ValidationWindows, anomalyFraction: 0, seed: settings.Seed + 1);
        var test = simulator.Generate(settings.TestWindows, settings.TestAnomalyFraction, seed: settings.Seed + 2);
        int faulty = test.Count(w => w.Label);
        Say($"{plant.Channels} sensors, windows of {plant.Steps} steps: {train.Length} normal training windows, {validation.Length} normal validation windows, {test.Length} test windows of which {faulty} faulty (spikes, level shifts, frozen sensors).");

        var model = mlContext.Transforms.LstmAutoEncode(new LstmAutoEncoderOptions
        {
            InputColumnName = ReadingsColumn,
            OutputColumnName = FeaturesColumn,
            ReconstructionErrorColumnName = ScoreColumn,
            FrameHeight = 1,
            FrameWidth = plant.Channels,
            // Sensor windows, not frames: the CPU preset's shape of model, sized and trained for them.
            Model = LstmAutoEncoderModelOptions.CpuDefault with
            {
                InputFrames = plant.Steps,
                FutureFrames = 0,
                Mode = AutoEncoderMode.ReconstructionOnly,
                Objective = TrainingObjective.MeanSquaredError,
                HiddenSize = settings.HiddenSize,
            },
            // A constant learning rate without clipping: AnomalySettings' learning rate and epochs are tuned for it.
            Training = new TrainingOptions
            {
                Epochs = settings.Epochs,
                BatchSize = settings.BatchSize,
                LearningRate = settings.LearningRate,
                Seed = settings.Seed,
            },
        }).Fit(Load(train));
        Say($"Trained a reconstruction-only LSTM autoencoder (1 x {settings.HiddenSize} units, MSE) for {settings.Epochs} epochs.");

        float threshold = Quantile(Scores(model.Transform(Load(validation))), settings.ThresholdQuantile);
        Say($"Alarm threshold: {threshold:G4}, the {settings.ThresholdQuantile:P0} quantile of the normal validation windows' scores.");

        float[] testScores = Scores(model.Transform(Load(test)));
        model.Dispose();
        var report = Evaluate(mlContext, test, testScores, threshold);
        Say($"Test: AUC {report.AreaUnderRocCurve:F3}, precision {report.Precision:P1}, recall {report.Recall:P1}, F1 {report.F1Score:F3}, false alarms on normal windows {report.FalseAlarmRate:P1}.");
        Say($"Recall by fault: {string.Join(", ", report.RecallByKind.Select(kind => Invariant($"{kind.Key} {kind.Value:P0}")))}.");
        return report;
    }

    /// <summary>
    /// Precision, recall and AUC from ML.NET's evaluator. It counts a positive wherever the score exceeds 0, so it
    /// is given each score's margin over the alarm threshold: the alarms are then exactly ours, and the AUC, which
    /// only ranks scores, is unchanged by the shift.
    /// </summary>
    private static AnomalyReport Evaluate(MLContext mlContext, SensorWindow[] test, float[] scores, float threshold)
    {
        var scored = test.Select((window, i) => new ScoredWindow
        {
            Label = window.Label,
            Score = scores[i] - threshold,
            PredictedLabel = scores[i] > threshold,
        }).ToList();
        var metrics = mlContext.BinaryClassification.EvaluateNonCalibrated(mlContext.Data.LoadFromEnumerable(scored));
        double falseAlarmRate = scored.Where(w => !w.Label).Average(w => w.PredictedLabel ? 1.0 : 0.0);
        var recallByKind = test.Zip(scored)
            .Where(pair => pair.First.Label)
            .GroupBy(pair => pair.First.Kind)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Average(pair => pair.Second.PredictedLabel ? 1.0 : 0.0));
        return new AnomalyReport(threshold, metrics.AreaUnderRocCurve, metrics.PositivePrecision, metrics.PositiveRecall, metrics.F1Score,
            falseAlarmRate, recallByKind);
    }

    private static float[] Scores(IDataView scored) =>
        scored.GetColumn<float>(ScoreColumn).ToArray();

    /// <summary>The empirical quantile (nearest rank) of <paramref name="values"/>.</summary>
    private static float Quantile(float[] values, double quantile)
    {
        float[] sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private void Say(FormattableString text) => output.WriteLine(Invariant(text));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One test window as the binary-classification evaluator reads it.</summary>
    private sealed class ScoredWindow
    {
        public bool Label { get; set; }

        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
