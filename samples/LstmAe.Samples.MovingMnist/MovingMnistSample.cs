using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LstmAe.Metrics;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Samples.MovingMnist.Reporting;
using LstmAe.Samples.MovingMnist.Steps;
using LstmAe.Samples.MovingMnist.Steps.Classification;
using LstmAe.Training;
using Microsoft.ML;

namespace LstmAe.Samples.MovingMnist;

/// <summary>
/// The Moving MNIST walk-through: generate data, fit <c>LstmAutoEncode</c>, save and reload the ML.NET model, score
/// it on test sequences, draw what it sees, and compare its features with pixel baselines and an untrained encoder as
/// inputs to classifiers of the digit and of its motion.
/// </summary>
/// <param name="settings">Sizes and the output folder.</param>
/// <param name="console">Where to report.</param>
public sealed class MovingMnistSample(SampleSettings settings, ISampleConsole console)
{
    /// <summary>The label budget at which the trained features are compared with the best pixel baseline.</summary>
    private const int GoalLabels = 1_000;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>Runs every step and returns what was measured.</summary>
    /// <returns>The figures and files of the run.</returns>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    /// <exception cref="IOException">The output folder is not empty and <see cref="SampleSettings.Force"/> is off.</exception>
    public SampleResults Run()
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var folder = OutputFolder.Prepare(settings.OutputFolder, settings.Force);
        var mlContext = new MLContext(seed: settings.Seed);

        console.Heading("1. Data");
        var data = SampleData.Generate(mlContext, settings);
        console.Line(Invariant($"Moving MNIST, {settings.FrameSize}x{settings.FrameSize}, two digits, {settings.InputFrames} input + {settings.FutureFrames} future frames: {settings.TrainSequences:N0} training, {settings.ValidationSequences:N0} validation, {settings.TestSequences:N0} test sequences (test digits held out)."));

        console.Heading("2. Training the composite LSTM autoencoder");
        console.Line(Invariant($"1 x {settings.HiddenSize} units, cross-entropy, {settings.Conditioning.ToString().ToLowerInvariant()} decoders, {PrecisionName(settings.MatrixPrecision)} matrix products; {settings.Epochs} epochs of batches of {settings.BatchSize}, {settings.Training.Optimizer} {settings.LearningRate}{Decay(settings.Training)} with gradient clipping at {settings.Training.GradientClipNorm}."));
        var (fitted, history) = AutoEncoderTraining.Fit(mlContext, data, settings, console);
        var modelOptions = fitted.Model.Options;
        long steps = (long)history.Training[^1].Step;

        console.Heading("3. Save, load, test");
        string modelPath = folder.File(OutputFolder.ModelFile);
        mlContext.Model.SaveAtomically(fitted, data.Train.Schema, modelPath);
        fitted.Dispose();
        mlContext.ComponentCatalog.RegisterLstmAutoEncoder(new LstmAutoEncoderLoadOptions { Device = settings.Device });
        var loaded = mlContext.Model.Load(modelPath, out _);
        console.Line(Invariant($"Saved {OutputFolder.ModelFile} ({new FileInfo(modelPath).Length / 1e6:F1} MB) and loaded it back; scoring the loaded model on the test set."));
        var test = TestEvaluation.Run(loaded, data.Test, settings);
        console.Table(["test set", "frames", "cross-entropy (nats/frame)", "MSE/frame", "MAE/frame", "SSIM"],
            [MetricsRow("reconstruction", test.Reconstruction), MetricsRow("prediction", test.Prediction)]);

        console.Heading("4. Pictures");
        var files = new List<string> { OutputFolder.ModelFile };
        files.AddRange(Pictures.Write(folder, test.Examples, history, settings.FrameSize * settings.FrameSize));
        console.Line($"Wrote to {folder.Path}: {string.Join(", ", files.Skip(1))}.");

        console.Heading("5. Are the features useful? Classifying single-digit clips by digit and by motion");
        console.Line(Invariant($"Linear classifiers (L-BFGS maximum entropy) with L2 chosen on {settings.ClassifierValidationSequences:N0} validation clips; test accuracy on {settings.ClassifierTestSequences:N0} clips of held-out digits, mean +- standard deviation over {settings.ClassifierSeeds} seeds."));
        var comparison = FeatureComparison.Run(mlContext, loaded, modelOptions, settings, console);
        foreach (var table in comparison.Tables)
        {
            console.Line("");
            console.Line(Invariant($"{char.ToUpperInvariant(table.Task[0])}{table.Task[1..]}, chance {1.0 / table.Classes:P0}:"));
            console.Table(
                ["features", .. table.LabelCounts.Select(n => Invariant($"{n:N0} labels"))],
                table.Rows.Select(row => (IReadOnlyList<string>)[row.Representation, .. row.Mean.Select((mean, i) => Invariant($"{100 * mean:F1} +- {100 * row.StandardDeviation[i]:F1} %"))]));
            int goalLabels = table.LabelCounts.Contains(GoalLabels) ? GoalLabels : table.LabelCounts[^1];
            if (table.MarginOverPixels(goalLabels, FeatureComparison.TrainedFeatures) is double margin)
            {
                console.Line(Invariant($"Trained features against the best pixel baseline at {goalLabels:N0} labels: {margin:+0.0;-0.0} points."));
            }
        }
        (loaded as IDisposable)?.Dispose();

        files.Add(OutputFolder.ResultsFile); // listed in itself, so Files names everything the run wrote
        var results = new SampleResults(folder.Path, files, steps, test.Reconstruction, test.Prediction, settings.Features,
            comparison.Seeds, TunedClassifier.L2Grid, comparison.Tables, clock.Elapsed);
        File.WriteAllText(folder.File(OutputFolder.ResultsFile), JsonSerializer.Serialize(results, JsonOptions));
        console.Line(Invariant($"Done in {clock.Elapsed.TotalMinutes:F1} minutes; figures in {OutputFolder.ResultsFile}."));
        return results;
    }

    private static IReadOnlyList<string> MetricsRow(string name, FrameMetricsSummary metrics) =>
    [
        name,
        Invariant($"{metrics.Frames:N0}"),
        Invariant($"{metrics.CrossEntropyNats:F1}"),
        Invariant($"{metrics.SquaredError:F1}"),
        Invariant($"{metrics.AbsoluteError:F1}"),
        metrics.Ssim is double ssim ? Invariant($"{ssim:F3}") : "n/a",
    ];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string PrecisionName(MatrixPrecision precision) => precision switch
    {
        MatrixPrecision.BFloat16 when MatrixPrecisionSupport.NativeBFloat16 => "bfloat16 (native on this CPU)",
        MatrixPrecision.BFloat16 => "bfloat16 (emulated on this CPU, slower than float32)",
        _ => "float32",
    };

    private static string Decay(TrainingOptions training) => training.Schedule switch
    {
        CosineToEndSchedule cosine => Invariant($" decaying to {training.LearningRate * cosine.MinimumFactor} (cosine)"),
        CosineSchedule cosine => Invariant($" decaying to {training.LearningRate * cosine.MinimumFactor} (cosine)"),
        _ => "",
    };
}
