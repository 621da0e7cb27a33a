using LstmAe.Metrics;

namespace LstmAe.Samples.MovingMnist;

/// <summary>What one run of the sample measured and wrote; also saved as <see cref="OutputFolder.ResultsFile"/>.</summary>
/// <param name="OutputFolder">Where the files are.</param>
/// <param name="Files">The files written, relative to <paramref name="OutputFolder"/>.</param>
/// <param name="TrainingSteps">Optimiser steps taken.</param>
/// <param name="Reconstruction">Test metrics of the reconstructed input frames.</param>
/// <param name="Prediction">Test metrics of the predicted future frames.</param>
/// <param name="LabelCounts">The label budgets of the classification table.</param>
/// <param name="Accuracy">Test accuracy per representation, one value per label budget.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record SampleResults(
    string OutputFolder,
    IReadOnlyList<string> Files,
    long TrainingSteps,
    FrameMetricsSummary Reconstruction,
    FrameMetricsSummary Prediction,
    IReadOnlyList<int> LabelCounts,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Accuracy,
    TimeSpan Elapsed);
