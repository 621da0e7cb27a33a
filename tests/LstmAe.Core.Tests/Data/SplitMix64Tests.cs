using LstmAe.Data;

namespace LstmAe.Core.Tests.Data;

[TestClass]
public sealed class SplitMix64Tests
{
    [TestMethod]
    public void MatchesTheReferenceOutputForSeedZero()
    {
        // First outputs of Vigna's splitmix64.c seeded with 0.
        var generator = new SplitMix64(0);

        Assert.AreEqual(0xE220A8397B1DCDAFUL, generator.NextUInt64());
        Assert.AreEqual(0x6E789E6AA1B965F4UL, generator.NextUInt64());
        Assert.AreEqual(0xE220A8397B1DCDAFUL, SplitMix64.Mix(0x9E3779B97F4A7C15UL));
    }
}
