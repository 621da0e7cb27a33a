namespace LstmAe.Samples.Anomaly;

/// <summary>How well reconstruction error separates faulty windows from normal ones on the test set.</summary>
/// <param name="Threshold">The alarm threshold on the score (mean squared reconstruction error per reading).</param>
/// <param name="AreaUnderRocCurve">Threshold-free ranking quality: 1 is perfect, 0.5 is chance.</param>
/// <param name="Precision">Share of alarms that were real faults.</param>
/// <param name="Recall">Share of faults that raised an alarm.</param>
/// <param name="F1Score">Harmonic mean of precision and recall.</param>
/// <param name="FalseAlarmRate">Share of normal test windows that raised an alarm.</param>
/// <param name="RecallByKind">Recall for each kind of fault.</param>
public sealed record AnomalyReport(
    double Threshold,
    double AreaUnderRocCurve,
    double Precision,
    double Recall,
    double F1Score,
    double FalseAlarmRate,
    IReadOnlyDictionary<string, double> RecallByKind);
