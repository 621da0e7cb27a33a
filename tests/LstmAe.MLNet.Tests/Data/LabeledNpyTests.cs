using System.Text;
using LstmAe.Data;
using LstmAe.MLNet.Data;
using LstmAe.MLNet.Tests.Support;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests.Data;

[TestClass]
public sealed class LabeledNpyTests
{
    private const int Sequences = 6, Frames = 4, Height = 5, Width = 5;
    private static readonly long[] Classes = [0, 2, 1, 2, 0, 1];

    [TestMethod]
    [DataRow("<i8")]
    [DataRow(">i4")]
    [DataRow("<u2")]
    [DataRow("|i1")]
    [DataRow("|u1")]
    public void NpyIntegerLabelsBecomeAKeyLabelColumnWithClassNames(string descr)
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => (int)Classes[n]));
        string labels = temp.Write("labels.npy", NpyFiles.Labels(descr, Classes));

        using var view = (IDisposable)new MLContext().Data.LoadSequencesFromNpy(data, new NpySequenceOptions { LabelsPath = labels });

        AssertLabels((IDataView)view, ["0", "1", "2"], Classes.Select(c => (uint)c + 1).ToArray());
    }

    [TestMethod]
    public void IdxLabelsAreRead()
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => (int)Classes[n]));
        string labels = temp.Write("labels-idx1-ubyte", NpyFiles.IdxLabels(Classes.Select(c => (byte)c).ToArray()));

        using var view = (IDisposable)new MLContext().Data.LoadSequencesFromNpy(data, new NpySequenceOptions { LabelsPath = labels });

        AssertLabels((IDataView)view, ["0", "1", "2"], Classes.Select(c => (uint)c + 1).ToArray());
    }

    [TestMethod]
    public void CsvLabelColumnGivesTextClassesInOrdinalOrderAndTheSplitTakesItsPart()
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => (int)Classes[n]));
        string[] names = ["cat", "dog", "ant"];
        string csv = "id,label,weight\n" + string.Concat(Classes.Select((c, i) => $"{i},\"{names[c]}\",1\n"));
        string labels = temp.Write("labels.csv", Encoding.UTF8.GetBytes(csv));

        using var view = (IDisposable)new MLContext().Data.LoadSequencesFromNpy(data, new NpySequenceOptions
        {
            LabelsPath = labels,
            LabelOptions = new SequenceLabelOptions { Column = "label" },
            Split = DataSplit.Test,
            TrainSequenceCount = 2,
        });

        // Classes: ant, cat, dog (keys 1, 2, 3); the test split is sequences 2..5 (classes 1, 2, 0, 1: dog, ant, cat, dog).
        AssertLabels((IDataView)view, ["ant", "cat", "dog"], [3, 1, 2, 3]);
    }

    [TestMethod]
    public void TextFileWithOneLabelPerLine()
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => (int)Classes[n]));
        string labels = temp.Write("labels.txt", Encoding.UTF8.GetBytes(string.Join("\n", Classes) + "\n\n"));

        using var file = NpySequenceFile.Open(data, new NpySequenceOptions { LabelsPath = labels });

        string[] expected = ["0", "1", "2"];
        CollectionAssert.AreEqual(expected, file.ClassNames!.ToArray());
        CollectionAssert.AreEqual(Classes.Select(c => (int?)c).ToArray(), Enumerable.Range(0, Sequences).Select(file.Label).ToArray());
    }

    [TestMethod]
    public void MismatchedCountsAreAnErrorNamingBothFiles()
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => 0));
        string labels = temp.Write("labels.npy", NpyFiles.Labels("<i8", Classes[..5]));

        var e = Assert.ThrowsExactly<InvalidDataException>(
            () => new MLContext().Data.LoadSequencesFromNpy(data, new NpySequenceOptions { LabelsPath = labels }));

        StringAssert.Contains(e.Message, data);
        StringAssert.Contains(e.Message, labels);
        StringAssert.Contains(e.Message, "5 labels");
        StringAssert.Contains(e.Message, "6 sequences");
    }

    [TestMethod]
    public void FloatLabelsAreRefusedWithTheFileAndType()
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => 0));
        string labels = temp.Write("labels.npy", NpyFiles.Labels("<f4", Classes)); // the bytes do not matter

        var e = Assert.ThrowsExactly<InvalidDataException>(
            () => new MLContext().Data.LoadSequencesFromNpy(data, new NpySequenceOptions { LabelsPath = labels }));

        StringAssert.Contains(e.Message, labels);
        StringAssert.Contains(e.Message, "<f4");
    }

    [TestMethod]
    public void WithoutLabelsThereIsOnlyTheFramesColumn()
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => 0));

        using var view = (IDisposable)new MLContext().Data.LoadSequencesFromNpy(data);

        Assert.AreEqual(1, ((IDataView)view).Schema.Count);
    }

    [TestMethod]
    public void AnyCollectionLoadsWithItsLabelsAndAPrefixKeepsThem()
    {
        var data = new MovingMnistSequences(new MovingMnistOptions { SequenceCount = 6, FrameCount = 2, FrameHeight = 32, FrameWidth = 32 });
        uint[] expected = Enumerable.Range(0, 4).Select(i => (uint)data.Generator.SampleMotions(i)[0].Label + 1).ToArray();

        using var view = (IDisposable)new MLContext().Data.LoadSequences(data.Take(4));

        AssertLabels((IDataView)view, Enumerable.Range(0, 10).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), expected);
    }

    [TestMethod]
    public void FixedClassesRefuseALabelOutsideThemNamingTheFile()
    {
        using var temp = new TempDirectory();
        string labels = temp.Write("labels.txt", Encoding.UTF8.GetBytes("cat\ndog\nemu\n"));

        var e = Assert.ThrowsExactly<InvalidDataException>(
            () => SequenceLabelFile.Read(labels, new SequenceLabelOptions { ClassNames = ["cat", "dog"] }));

        StringAssert.Contains(e.Message, labels);
        StringAssert.Contains(e.Message, "'emu'");
    }

    /// <summary>Checks Label is a key over <paramref name="classes"/> with them as KeyValues, and its values in row order.</summary>
    internal static void AssertLabels(IDataView view, string[] classes, uint[] keys)
    {
        DataViewSchema.Column label = view.Schema[SequenceColumnNames.Label];
        Assert.AreEqual((ulong)classes.Length, ((KeyDataViewType)label.Type).Count);
        VBuffer<ReadOnlyMemory<char>> names = default;
        label.GetKeyValues(ref names);
        CollectionAssert.AreEqual(classes, names.DenseValues().Select(n => n.ToString()).ToArray());

        var actual = new List<uint>();
        using DataViewRowCursor cursor = view.GetRowCursor([label]);
        ValueGetter<uint> getter = cursor.GetGetter<uint>(label);
        while (cursor.MoveNext())
        {
            uint key = 0;
            getter(ref key);
            actual.Add(key);
        }

        CollectionAssert.AreEqual(keys, actual);
    }
}
