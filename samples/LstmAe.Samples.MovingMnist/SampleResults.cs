using LstmAe.Metrics;
using LstmAe.Model;
using LstmAe.Samples.MovingMnist.Steps.Classification;

namespace LstmAe.Samples.MovingMnist;

/// <summary>What one run of the sample measured and wrote; also saved as <see cref="OutputFolder.ResultsFile"/>.</summary>
/// <param name="OutputFolder">Where the files are.</param>
/// <param name="Files">The files written, relative to <paramref name="OutputFolder"/>.</param>
/// <param name="TrainingSteps">Optimiser steps taken.</param>
/// <param name="Reconstruction">Test metrics of the reconstructed input frames.</param>
/// <param name="Prediction">Test metrics of the predicted future frames.</param>
/// <param name="Features">The encoder state that formed the features.</param>
/// <param name="ClassifierSeeds">Seeds each classification figure is averaged over.</param>
/// <param name="L2Grid">The L2 weights each classifier chose from on the validation split.</param>
/// <param name="Classification">One table per task (digit, direction, speed band when speeds vary).</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record SampleResults(
    string OutputFolder,
    IReadOnlyList<string> Files,
    long TrainingSteps,
    FrameMetricsSummary Reconstruction,
    FrameMetricsSummary Prediction,
    EncoderFeatures Features,
    int ClassifierSeeds,
    IReadOnlyList<float> L2Grid,
    IReadOnlyList<AccuracyTable> Classification,
    TimeSpan Elapsed);
