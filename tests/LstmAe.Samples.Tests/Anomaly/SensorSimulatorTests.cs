using LstmAe.Samples.Anomaly.Data;

namespace LstmAe.Samples.Tests.Anomaly;

[TestClass]
public sealed class SensorSimulatorTests
{
    private static readonly SensorSimulatorOptions Plant = new() { Channels = 4, Steps = 12 };

    [TestMethod]
    public void TheRequestedShareOfWindowsIsFaultyWithTheKindsTakingTurns()
    {
        var windows = new SensorSimulator(Plant).Generate(count: 60, anomalyFraction: 0.3, seed: 1);

        Assert.HasCount(60, windows);
        Assert.AreEqual(18, windows.Count(w => w.Label));
        foreach (var kind in new[] { AnomalyKind.Spike, AnomalyKind.LevelShift, AnomalyKind.FrozenSensor })
        {
            Assert.AreEqual(6, windows.Count(w => w.Kind == kind.ToString()), kind.ToString());
        }
        Assert.IsTrue(windows.All(w => w.Readings.Length == 48 && w.Readings.All(r => r is >= 0 and <= 1)));
        Assert.IsTrue(windows.All(w => w.Label == (w.Kind != nameof(AnomalyKind.None))));
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameWindows()
    {
        var first = new SensorSimulator(Plant).Generate(10, 0.5, seed: 4);
        var second = new SensorSimulator(Plant).Generate(10, 0.5, seed: 4);
        var other = new SensorSimulator(Plant).Generate(10, 0.5, seed: 5);

        for (int i = 0; i < first.Length; i++)
        {
            CollectionAssert.AreEqual(first[i].Readings, second[i].Readings);
            Assert.AreEqual(first[i].Kind, second[i].Kind);
        }
        CollectionAssert.AreNotEqual(first[0].Readings, other[0].Readings);
    }

    [TestMethod]
    public void AFrozenSensorRepeatsItsReadingWhileNoisyChannelsNeverDo()
    {
        var windows = new SensorSimulator(Plant).Generate(40, 0.75, seed: 2);

        foreach (var window in windows)
        {
            bool stuck = Enumerable.Range(0, Plant.Channels).Any(channel => RepeatsAtEnd(window.Readings, channel, Plant.Steps / 4));
            Assert.AreEqual(window.Kind == nameof(AnomalyKind.FrozenSensor), stuck, window.Kind);
        }
    }

    [TestMethod]
    public void ImpossibleRequestsAreRejected()
    {
        var simulator = new SensorSimulator(Plant);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => simulator.Generate(10, 1.5, seed: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => simulator.Generate(-1, 0.1, seed: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SensorSimulator(Plant with { Channels = 0 }));
    }

    private static bool RepeatsAtEnd(float[] readings, int channel, int steps)
    {
        float last = readings[(Plant.Steps - 1) * Plant.Channels + channel];
        return Enumerable.Range(Plant.Steps - steps, steps).All(step => readings[step * Plant.Channels + channel] == last);
    }
}
