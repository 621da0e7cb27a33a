using LstmAe.Samples.Anomaly;

namespace LstmAe.Samples.Tests.Samples;

[TestClass]
public sealed class AnomalySampleTests
{
    private static readonly string[] FaultKinds = ["FrozenSensor", "LevelShift", "Spike"];

    [TestMethod]
    public void TheTinyRunReportsConsistentDetectionFigures()
    {
        using var output = new StringWriter();

        var report = new AnomalyDetectionSample(AnomalySettings.Tiny, output).Run();

        StringAssert.Contains(output.ToString(), "AUC");
        Assert.IsTrue(double.IsFinite(report.Threshold) && report.Threshold > 0);
        foreach (double share in new[] { report.AreaUnderRocCurve, report.Recall, report.FalseAlarmRate })
        {
            Assert.IsTrue(share is >= 0 and <= 1, $"{share} is not a share.");
        }
        // The threshold is the 99% quantile of normal validation scores, so few normal test windows raise alarms.
        Assert.IsLessThan(0.25, report.FalseAlarmRate);
        CollectionAssert.AreEquivalent(FaultKinds, report.RecallByKind.Keys.ToArray());
        // Overall recall is the per-kind recall weighted by the (equal) number of faults of each kind.
        Assert.AreEqual(report.RecallByKind.Values.Average(), report.Recall, 1e-9);
    }

    [TestMethod]
    public void ImpossibleSettingsAreRejected()
    {
        var settings = AnomalySettings.Tiny with { TestAnomalyFraction = 0 };
        var error = Assert.ThrowsExactly<ArgumentException>(() => new AnomalyDetectionSample(settings, TextWriter.Null).Run());
        StringAssert.Contains(error.Message, nameof(AnomalySettings.TestAnomalyFraction));
    }

    [TestMethod]
    public void HelpDescribesTheOptions()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.AreEqual(0, AnomalyApp.Run(["--help"], output, error));

        StringAssert.Contains(output.ToString(), "--tiny");
        Assert.AreEqual("", error.ToString());
    }

    [TestMethod]
    public void ABadArgumentIsOneLineAndExitCodeTwo()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.AreEqual(2, AnomalyApp.Run(["--tiny", "--epochs", "3"], output, error));

        string[] lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines);
        StringAssert.StartsWith(lines[0], "lstmae-anomaly: unknown argument '--epochs'");
        Assert.AreEqual("", output.ToString());
    }
}
