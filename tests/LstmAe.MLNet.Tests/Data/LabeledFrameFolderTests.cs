using System.Text;
using LstmAe.MLNet.Data;
using LstmAe.MLNet.Tests.Support;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests.Data;

[TestClass]
public sealed class LabeledFrameFolderTests
{
    private static readonly FrameFolderOptions Small = new() { FrameHeight = FrameFolderFiles.Size, FrameWidth = FrameFolderFiles.Size };

    [TestMethod]
    public void ClassFolderLevelGivesKeyLabelsAndClassSlashSequenceNames()
    {
        using var temp = new TempDirectory();
        FrameFolderFiles.WriteSequence(temp, "square/b", 1, 0);
        FrameFolderFiles.WriteSequence(temp, "circle/a", 0, 0);
        FrameFolderFiles.WriteSequence(temp, "circle/c", 0, 1);

        IDataView view = new MLContext().Data.LoadFrameSequences(temp.Path, Small with { LabelsFromClassFolders = true });

        LabeledNpyTests.AssertLabels(view, ["circle", "square"], [1, 1, 2]);
        string[] expected = ["circle/a", "circle/c", "square/b"];
        CollectionAssert.AreEqual(expected, Names(view));
        Assert.AreEqual(3L, view.GetRowCount());
    }

    [TestMethod]
    public void CsvOfSequenceAndLabel()
    {
        using var temp = new TempDirectory();
        FrameFolderFiles.WriteSequence(temp, "clips/walk1", 0, 0);
        FrameFolderFiles.WriteSequence(temp, "clips/run1", 1, 0);
        FrameFolderFiles.WriteSequence(temp, "clips/walk2", 0, 1);
        string csv = temp.Write("labels.csv", Encoding.UTF8.GetBytes("sequence,label\nwalk2,walk\nrun1,run\nwalk1,walk\n"));

        IDataView view = new MLContext().Data.LoadFrameSequences(Path.Combine(temp.Path, "clips"), Small with { LabelsPath = csv });

        // Sequences in natural order: run1, walk1, walk2; classes run, walk.
        LabeledNpyTests.AssertLabels(view, ["run", "walk"], [1, 2, 2]);
    }

    [TestMethod]
    public void CsvMissingASequenceOrNamingAnUnknownOneNamesBothPaths()
    {
        using var temp = new TempDirectory();
        FrameFolderFiles.WriteSequence(temp, "clips/a", 0, 0);
        FrameFolderFiles.WriteSequence(temp, "clips/b", 1, 0);
        string root = Path.Combine(temp.Path, "clips");
        string missing = temp.Write("missing.csv", Encoding.UTF8.GetBytes("a,x\n"));
        string extra = temp.Write("extra.csv", Encoding.UTF8.GetBytes("a,x\nb,y\nc,z\n"));

        var e1 = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadFrameSequences(root, Small with { LabelsPath = missing }));
        var e2 = Assert.ThrowsExactly<InvalidDataException>(() => new MLContext().Data.LoadFrameSequences(root, Small with { LabelsPath = extra }));

        foreach (var (e, csv) in new[] { (e1, missing), (e2, extra) })
        {
            StringAssert.Contains(e.Message, csv);
            StringAssert.Contains(e.Message, root);
        }

        StringAssert.Contains(e1.Message, "'b'");
        Assert.AreEqual($"'{extra}', line 3: sequence 'c' has no folder in '{root}' (2 sequences).", e2.Message);
    }

    [TestMethod]
    public void ClassFoldersAndCsvTogetherAreRefused() =>
        Assert.ThrowsExactly<ArgumentException>(() => new MLContext().Data.LoadFrameSequences(".", Small with { LabelsFromClassFolders = true, LabelsPath = "l.csv" }));

    private static string[] Names(IDataView view)
    {
        var names = new List<string>();
        using DataViewRowCursor cursor = view.GetRowCursor([view.Schema[SequenceColumnNames.Name]]);
        ValueGetter<ReadOnlyMemory<char>> getter = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema[SequenceColumnNames.Name]);
        ReadOnlyMemory<char> name = default;
        while (cursor.MoveNext())
        {
            getter(ref name);
            names.Add(name.ToString());
        }

        return names.ToArray();
    }
}
