using System.Globalization;
using System.Text.RegularExpressions;

namespace LstmAe.Samples.MovingMnist.Reporting;

/// <summary>One training progress line of the LSTM autoencoder estimator, as it appears in <c>mlContext.Log</c>.</summary>
/// <param name="Step">Optimiser steps so far.</param>
/// <param name="Epoch">Zero-based epoch.</param>
/// <param name="Loss">The minibatch loss: the sum of the decoders' per-pixel losses.</param>
/// <param name="Reconstruction">The reconstruction decoder's per-pixel loss, if it has one.</param>
/// <param name="Prediction">The prediction decoder's per-pixel loss, if it has one.</param>
/// <param name="Validation">The validation loss, when one was measured at this step.</param>
/// <param name="SequencesPerSecond">Training throughput.</param>
public sealed partial record TrainingLogEntry(
    long Step, int Epoch, double Loss, double? Reconstruction, double? Prediction, double? Validation, double SequencesPerSecond)
{
    /// <summary>Reads a progress line; null for any other log message.</summary>
    /// <param name="message">The raw log message.</param>
    /// <returns>The entry, or null.</returns>
    public static TrainingLogEntry? TryParse(string message)
    {
        var match = ProgressLine().Match(message);
        if (!match.Success)
        {
            return null;
        }
        double? Optional(string group) => match.Groups[group].Success ? Number(match.Groups[group].Value) : null;
        return new TrainingLogEntry(
            long.Parse(match.Groups["step"].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups["epoch"].Value, CultureInfo.InvariantCulture),
            Number(match.Groups["loss"].Value),
            Optional("reconstruction"),
            Optional("prediction"),
            Optional("validation"),
            Number(match.Groups["speed"].Value));
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    // The estimator's format: "step 12 epoch 0: loss 1.2345, reconstruction 0.61, prediction 0.62, validation 1.3, 10.5 sequences/s".
    [GeneratedRegex(@"^step (?<step>\d+) epoch (?<epoch>\d+): loss (?<loss>[^,]+)(, reconstruction (?<reconstruction>[^,]+))?(, prediction (?<prediction>[^,]+))?(, validation (?<validation>[^,]+))?, (?<speed>[^ ]+) sequences/s$")]
    private static partial Regex ProgressLine();
}
