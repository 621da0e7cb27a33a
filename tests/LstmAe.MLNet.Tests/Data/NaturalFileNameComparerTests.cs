using LstmAe.MLNet.Data;

namespace LstmAe.MLNet.Tests.Data;

[TestClass]
public sealed class NaturalFileNameComparerTests
{
    [TestMethod]
    public void NumbersCompareByValueTextIgnoringCase()
    {
        string[] names = ["frame10.png", "Frame2.png", "frame1.png", "frame002.png", "a.png", "frame100000000000000000000.png", "frame9.png"];

        string[] sorted = names.Order(NaturalFileNameComparer.Instance).ToArray();

        // frame002 and Frame2 are equal as numbers and ignoring case; the ordinal tie-break puts 'F' before 'f'.
        string[] expected = ["a.png", "frame1.png", "Frame2.png", "frame002.png", "frame9.png", "frame10.png", "frame100000000000000000000.png"];
        CollectionAssert.AreEqual(expected, sorted);
    }
}
