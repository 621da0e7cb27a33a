using LstmAe.MLNet.Tests.Support;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests;

/// <summary><c>mlContext.Model.SaveAtomically</c>: a model zip is either the old one or a complete new one.</summary>
[TestClass]
public sealed class SaveAtomicallyTests
{
    [TestMethod]
    public void ASavedModelLoadsAndReplacesTheOldFileKeepingItsMode()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TinySequences.Load(ml, 4, seed: 2);
        using LstmAutoEncoderTransformer model = TinySequences.Fit(ml);
        using var folder = new TempDirectory();
        string path = folder.Write("model.zip", "an old model"u8.ToArray());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        ml.Model.SaveAtomically(model, data.Schema, path);

        Assert.IsInstanceOfType<LstmAutoEncoderTransformer>(ml.Model.Load(path, out _));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder.Path));
        if (!OperatingSystem.IsWindows()) Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [TestMethod]
    public void ASaveThatFailsHalfWayLeavesTheOldModel()
    {
        var ml = new MLContext(seed: 1);
        using var folder = new TempDirectory();
        string path = folder.Write("model.zip", "the good model"u8.ToArray());

        var error = Assert.ThrowsExactly<IOException>(() =>
            ml.Model.SaveAtomically(new FailingTransformer(), ml.Data.LoadFromEnumerable(new[] { new Row() }).Schema, path));

        StringAssert.Contains(error.Message, path);
        Assert.AreEqual("the good model", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder.Path));
    }

    private sealed class Row
    {
        public float Value { get; set; }
    }

    /// <summary>A transformer whose save fails as on a full disk, after ML.NET has started writing the zip.</summary>
    private sealed class FailingTransformer : ITransformer
    {
        public bool IsRowToRowMapper => true;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

        public IDataView Transform(IDataView input) => input;

        public void Save(ModelSaveContext ctx) => throw new IOException("No space left on device.");
    }
}
