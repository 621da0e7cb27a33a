using System.IO.Compression;
using System.Text;
using LstmAe.Data;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.Data;

/// <summary>
/// A labels file is read strictly: text that is not UTF-8 (or the encoding its byte order mark names), control
/// characters and overlong lines are refused naming the file and line; binary files go to the reader of their format,
/// whose errors are precise; lines past the sequences' count are counted, not kept.
/// </summary>
[TestClass]
public sealed class SequenceLabelFileTests
{
    [TestMethod]
    public void Utf16WithoutAByteOrderMarkIsRefusedAtItsFirstNul()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.txt", Encoding.Unicode.GetBytes("cat\ndog\ncat\n"));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path));

        StringAssert.Contains(e.Message, $"'{path}', line 1, character 2: a NUL character");
        StringAssert.Contains(e.Message, "UTF-16");
    }

    [TestMethod]
    public void Utf16WithAByteOrderMarkIsRead()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.txt", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("cat\r\ndog\r\ncat\r\n")]);

        SequenceLabels labels = SequenceLabelFile.Read(path);

        Assert.AreEqual("cat,dog", string.Join(",", labels.ClassNames));
        Assert.AreEqual("0,1,0", string.Join(",", Enumerable.Range(0, labels.Count).Select(i => labels[i])));
    }

    [TestMethod]
    public void Utf32BigEndianWithAByteOrderMarkIsTextNotIdx()
    {
        using var temp = new TempDirectory();
        var encoding = new UTF32Encoding(bigEndian: true, byteOrderMark: true);
        string path = temp.Write("labels.txt", [.. encoding.GetPreamble(), .. encoding.GetBytes("0\n1\n1\n")]);

        SequenceLabels labels = SequenceLabelFile.Read(path);

        Assert.AreEqual("0,1,1", string.Join(",", Enumerable.Range(0, labels.Count).Select(i => labels[i])));
    }

    /// <summary>Text with a byte order mark is held to its encoding as strictly as UTF-8 without one: a reader that
    /// took the encoding from the mark would replace bad bytes with U+FFFD.</summary>
    [TestMethod]
    [DataRow(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n' })] // Latin-1 after a UTF-8 mark
    [DataRow(new byte[] { 0xFF, 0xFE, (byte)'a', 0, 0x00, 0xD8, (byte)'\n', 0 })] // UTF-16: a lone high surrogate
    public void TextAfterAByteOrderMarkIsDecodedStrictly(byte[] content)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.txt", content);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path));

        StringAssert.Contains(e.Message, $"'{path}', line 1 or after: not valid");
    }

    [TestMethod]
    [DataRow(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n' }, "not valid")] // Latin-1 "café"
    [DataRow(new byte[] { (byte)'a', (byte)'\n', (byte)'b', 0x1B, (byte)'\n' }, "line 2, character 2: the control character U+001B")]
    [DataRow(new byte[] { (byte)'0', (byte)'\n', (byte)'1', 0, (byte)'\n' }, "line 2, character 2: a NUL character")]
    public void TextThatIsNotCleanUtf8IsRefused(byte[] content, string expected)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.txt", content);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path));

        StringAssert.Contains(e.Message, $"'{path}', line");
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void AnOverlongLineIsRefusedAtTheLimit()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.csv", Encoding.ASCII.GetBytes("label\n" + new string(',', 200_000)));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path, new SequenceLabelOptions { Column = "label" }));

        Assert.AreEqual($"'{path}', line 2: longer than 65536 characters; a labels file holds a short line per sequence.", e.Message);
    }

    [TestMethod]
    public void LinesEndAtCrLfCrOrLf()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.txt", Encoding.ASCII.GetBytes("a\r\nb\rc\n\nd"));
        string bad = temp.Write("bad.txt", Encoding.ASCII.GetBytes("a\r\nb\rc\n\u0001"));

        SequenceLabels labels = SequenceLabelFile.Read(path);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(bad));

        Assert.AreEqual("a,b,c,d", string.Join(",", Enumerable.Range(0, labels.Count).Select(i => labels.ClassNames[labels[i]])));
        StringAssert.Contains(e.Message, "line 4, character 1");
    }

    [TestMethod]
    public void AColumnTheHeaderNamesTwiceIsRefused()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.csv", Encoding.ASCII.GetBytes("id,label,Label\n0,cat,dog\n"));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path, new SequenceLabelOptions { Column = "label" }));

        Assert.AreEqual($"'{path}', line 1: the header names column 'label' twice (fields 2 and 3).", e.Message);
    }

    [TestMethod]
    public void LinesPastTheSequencesAreCountedForTheMessage()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.txt", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1\n", 100_000))));
        long counted = -1;

        var refused = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path, null, count =>
        {
            counted = count;
            throw new InvalidDataException($"{count} labels");
        }, expectedCount: 3));
        // A check that lets the count pass still cannot get labels that were not kept.
        var unkept = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path, null, _ => { }, expectedCount: 3));

        Assert.AreEqual(100_000, counted);
        Assert.AreEqual("100000 labels", refused.Message);
        Assert.AreEqual($"'{path}' holds 100000 labels; expected at most 3.", unkept.Message);
    }

    [TestMethod]
    public void AnIdxFileOfAnotherTypeGoesToTheIdxReader()
    {
        using var temp = new TempDirectory();
        // IDX int32 labels (type 0x0C): read as text they were NUL-filled classes.
        string path = temp.Write("labels-idx1-int", [0, 0, 0x0C, 1, 0, 0, 0, 3, 0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10]);

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path));

        StringAssert.Contains(e.Message, $"'{path}' holds IDX elements of type 0x0C (offset 2)");
    }

    /// <summary>The decoder's own error names no file: each reader that peeks into a gzip file restates it.</summary>
    [TestMethod]
    public void ADamagedGzipIsNamedByEachReaderThatPeeksIntoIt()
    {
        using var temp = new TempDirectory();
        // A gzip header, then a deflate block of the reserved type 3: the decoder refuses it at once.
        string path = temp.Write("damaged.gz", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0x07, 0, 0, 0]);
        string expected = $"'{path}' is not a valid gzip stream: ";

        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path)).Message, expected);
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.ReadFrameCount(path)).Message, expected);
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(path)).Message, expected);
    }

    [TestMethod]
    public void AGzipOfAnythingButIdxIsRefusedNamingWhatItHolds()
    {
        using var temp = new TempDirectory();
        var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write("0\n1\n"u8);
        string path = temp.Write("labels.txt.gz", packed.ToArray());

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(path));

        StringAssert.Contains(e.Message, $"'{path}' is gzip-compressed but holds no IDX label file (it starts with 300A310A)");
    }
}
