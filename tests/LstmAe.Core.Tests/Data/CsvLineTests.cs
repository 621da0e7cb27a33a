using LstmAe.Data;

namespace LstmAe.Core.Tests.Data;

[TestClass]
public sealed class CsvLineTests
{
    [TestMethod]
    [DataRow("a,b,c", new[] { "a", "b", "c" })]
    [DataRow(" a , b ,c ", new[] { "a", "b", "c" })]
    [DataRow("7", new[] { "7" })]
    [DataRow("a,,", new[] { "a", "", "" })]
    [DataRow("clip 1,\"jump, high\"", new[] { "clip 1", "jump, high" })]
    [DataRow("\"say \"\"hi\"\"\" , x", new[] { "say \"hi\"", "x" })]
    [DataRow("\" padded \",\"\"", new[] { " padded ", "" })]
    public void SplitsFieldsAsRfc4180DoesWithinALine(string line, string[] expected)
    {
        CollectionAssert.AreEqual(expected, CsvLine.Split(line));
    }

    [TestMethod]
    public void AnUnclosedQuoteOrTextAfterAQuoteNamesTheFileAndLine()
    {
        var unclosed = Assert.ThrowsExactly<InvalidDataException>(() => CsvLine.Split("1,\"open", "labels.csv", 3));
        StringAssert.Contains(unclosed.Message, "'labels.csv', line 3: a quoted field is not closed");
        var trailing = Assert.ThrowsExactly<InvalidDataException>(() => CsvLine.Split("\"a\"b,c", "labels.csv", 4));
        StringAssert.Contains(trailing.Message, "line 4: text after the closing quote of field 1");
    }
}
