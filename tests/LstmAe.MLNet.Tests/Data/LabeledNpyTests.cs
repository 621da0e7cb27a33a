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
    [DataRow("label\n", 5, "every other label is a number")] // one line short: the count alone would not catch it
    [DataRow("id,label\n", 6, "every other label is a number")]
    [DataRow("\n-1\n", 5, null)] // a negative number is not a header, but not a class number either
    public void AHeaderReadAsALabelIsRefusedNamingTheLine(string firstLines, int labelled, string? reason)
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => 0));
        string rows = string.Concat(Classes[..labelled].Select((c, i) => firstLines.Contains(',') ? $"{i},{c}\n" : $"{c}\n"));
        string labels = temp.Write("labels.csv", Encoding.UTF8.GetBytes(firstLines + rows));
        var options = new NpySequenceOptions { LabelsPath = labels };

        if (reason is null)
        {
            var negative = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(data, options));
            StringAssert.Contains(negative.Message, $"Label 0 of '{labels}' is -1; integer labels are class numbers from 0");
            return;
        }

        var e = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(data, options));
        StringAssert.Contains(e.Message, $"'{labels}', line 1:");
        StringAssert.Contains(e.Message, "'label' looks like a header");
        StringAssert.Contains(e.Message, reason);
        StringAssert.Contains(e.Message, "SequenceLabelOptions.Column");
    }

    [TestMethod]
    public void AHeaderOverTextClassesIsRefusedWhenItNamesALabelColumnOnce()
    {
        using var temp = new TempDirectory();
        string header = temp.Write("header.txt", Encoding.UTF8.GetBytes("Class\ncat\ndog\ncat\n"));
        string classNamedLabel = temp.Write("repeated.txt", Encoding.UTF8.GetBytes("label\nlabel\ndog\n"));
        string noHeader = temp.Write("plain.txt", Encoding.UTF8.GetBytes("emu\ncat\ndog\n"));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(header));
        StringAssert.Contains(e.Message, "'Class' looks like a header (a column name that no other line repeats)");
        string[] repeatedClasses = ["dog", "label"], plainClasses = ["cat", "dog", "emu"];
        CollectionAssert.AreEqual(repeatedClasses, SequenceLabelFile.Read(classNamedLabel).ClassNames.ToArray());
        CollectionAssert.AreEqual(plainClasses, SequenceLabelFile.Read(noHeader).ClassNames.ToArray());
        Assert.AreEqual(3, SequenceLabelFile.Read(header, new SequenceLabelOptions { Column = "class" }).Count);
        // A class that is named like a header and occurs once: the classes, when given, say it is one.
        string target = temp.Write("target.txt", Encoding.UTF8.GetBytes("target\nnontarget\nnontarget\n"));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(target)).Message, "SequenceLabelOptions.ClassNames");
        Assert.AreEqual(3, SequenceLabelFile.Read(target, new SequenceLabelOptions { ClassNames = ["nontarget", "target"] }).Count);
        string repeatedInCase = temp.Write("case.txt", Encoding.UTF8.GetBytes("Label\nlabel\ndog\n"));
        Assert.AreEqual(3, SequenceLabelFile.Read(repeatedInCase).Count);
    }

    [TestMethod]
    public void OneLabelPerFrameSuggestsTheOtherLayout()
    {
        using var temp = new TempDirectory();
        // Written time-major as 4 sequences of 6 frames: a file of 6 sequences of 4 frames stored batch-major reads so.
        string data = temp.Write("clips.npy", NpyFiles.Sequences(4, Sequences, Height, Width, n => 0));
        string labels = temp.Write("labels.npy", NpyFiles.Labels("<i8", Classes));

        var e = Assert.ThrowsExactly<InvalidDataException>(
            () => NpySequenceFile.Open(data, new NpySequenceOptions { LabelsPath = labels }));

        StringAssert.Contains(e.Message, "6 labels");
        StringAssert.Contains(e.Message, "4 sequences of 6 frames");
        StringAssert.Contains(e.Message, "NpySequenceOptions.Layout = BatchMajor");
        var batchMajor = NpySequenceFile.Open(data, new NpySequenceOptions { LabelsPath = labels, Layout = NpySequenceLayout.BatchMajor });
        using (batchMajor)
        {
            Assert.AreEqual(6, batchMajor.Count);
        }
    }

    [TestMethod]
    public void ALabelCountIsRefusedFromTheHeaderBeforeTheLabelsAreRead()
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => 0));
        // A gzip IDX header declaring 400 million labels (a few hundred KB of gzip when they are all there), followed
        // here by six: read first, the labels would be refused as truncated, after reading whatever the file held.
        byte[] idx = [.. NpyFiles.IdxLabels(Classes.Select(c => (byte)c).ToArray())];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(4), 400_000_000);
        var gzip = new MemoryStream();
        using (var compressor = new System.IO.Compression.GZipStream(gzip, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(idx);
        }

        string idxLabels = temp.Write("labels-idx1-ubyte.gz", gzip.ToArray());
        string npyLabels = temp.Write("labels.npy", NpyFiles.Labels("<i8", [.. Classes, 0]));

        var idxError = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(data, new NpySequenceOptions { LabelsPath = idxLabels }));
        var npyError = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(data, new NpySequenceOptions { LabelsPath = npyLabels }));

        Assert.AreEqual($"'{idxLabels}' holds 400000000 labels but '{data}' holds 6 sequences; expected one label per sequence.", idxError.Message);
        Assert.AreEqual($"'{npyLabels}' holds 7 labels but '{data}' holds 6 sequences; expected one label per sequence.", npyError.Message);
    }

    /// <summary>A negative integer label would make the classes text, ordered as strings ("-1", "10", "2"), so the
    /// class numbers of a file would depend on which values it holds.</summary>
    [TestMethod]
    [DataRow("<i8")]
    [DataRow("|i1")]
    public void NegativeIntegerLabelsAreRefusedNamingTheFirst(string descr)
    {
        using var temp = new TempDirectory();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(Sequences, Frames, Height, Width, n => 0));
        string labels = temp.Write("labels.npy", NpyFiles.Labels(descr, [1, 10, -1, 2, -3, 0]));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(data, new NpySequenceOptions { LabelsPath = labels }));

        StringAssert.Contains(e.Message, $"Label 2 of '{labels}' is -1; integer labels are class numbers from 0 to 1000000");
        using var named = NpySequenceFile.Open(data, new NpySequenceOptions
        {
            LabelsPath = labels,
            LabelOptions = new SequenceLabelOptions { ClassNames = ["-3", "-1", "0", "1", "2", "10"] },
        });
        Assert.AreEqual(1, named.Label(2));
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
