using System.IO.Compression;
using LstmAe.MLNet.Persistence;
using LstmAe.MLNet.Tests.Support;
using LstmAe.MLNet.Transform;
using LstmAe.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests;

/// <summary>mlContext.Model.Save / Load: bit-identical outputs after reloading, and clear errors for damaged
/// model zips.</summary>
[TestClass]
public sealed class PersistenceTests
{
    private static readonly MLContext Ml = new(seed: 1);
    private static LstmAutoEncoderTransformer s_transformer = null!;
    private static IDataView s_data = null!;
    private static byte[] s_savedZip = null!;

    [ClassInitialize]
    public static void FitAndSaveOnce(TestContext _)
    {
        s_data = TinySequences.Load(Ml, 9, seed: 4);
        // Every output column, and settings away from their defaults, so the round trip has to keep them all.
        s_transformer = TinySequences.Fit(Ml, adjust: o =>
        {
            o.ReconstructionColumnName = "Reconstruction";
            o.PredictionColumnName = "Prediction";
            o.ReconstructionErrorColumnName = "Error";
            o.EncoderFeatures = EncoderFeatures.AllLayersHiddenAndCell;
            o.TransformBatchSize = 4;
        });
        using var zip = new MemoryStream();
        Ml.Model.Save(s_transformer, s_data.Schema, zip);
        s_savedZip = zip.ToArray();
    }

    [ClassCleanup]
    public static void Release() => s_transformer.Dispose();

    [TestMethod]
    public void ReloadedModelGivesBitIdenticalOutputs()
    {
        var fresh = new MLContext(seed: 99);
        fresh.ComponentCatalog.RegisterLstmAutoEncoder();
        ITransformer loaded = fresh.Model.Load(new MemoryStream(s_savedZip), out DataViewSchema inputSchema);

        Assert.AreEqual(s_data.Schema["Frames"].Type, inputSchema["Frames"].Type);
        IDataView original = s_transformer.Transform(s_data), reloaded = loaded.Transform(s_data);
        CollectionAssert.AreEqual(
            original.Schema.Select(c => (c.Name, c.Type)).ToArray(), reloaded.Schema.Select(c => (c.Name, c.Type)).ToArray());
        LstmAutoEncoderOptions options = TinySequences.Options();
        Assert.AreEqual(2 * options.Model.Layers * options.Model.HiddenSize, ((VectorDataViewType)reloaded.Schema["Features"].Type).Size,
            "all layers' h and c");
        foreach (string column in new[] { "Features", "Reconstruction", "Prediction" })
        {
            var expected = TinySequences.ReadVectors(original, column);
            var actual = TinySequences.ReadVectors(reloaded, column);
            Assert.AreEqual(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
                CollectionAssert.AreEqual(Bits(expected[i]), Bits(actual[i]), $"{column} row {i}");
        }
        CollectionAssert.AreEqual(
            Bits(original.GetColumn<float>(original.Schema["Error"]).ToArray()),
            Bits(reloaded.GetColumn<float>(reloaded.Schema["Error"]).ToArray()));
    }

    [TestMethod]
    public void ReloadedModelKeepsEverySetting()
    {
        var fresh = new MLContext(seed: 99);
        fresh.ComponentCatalog.RegisterLstmAutoEncoder();
        var loaded = (LstmAutoEncoderTransformer)fresh.Model.Load(new MemoryStream(s_savedZip), out _);

        TransformerSettings saved = SettingsOf(s_transformer), reloaded = SettingsOf(loaded);
        Assert.AreEqual(4, reloaded.TransformBatchSize);
        Assert.AreEqual(EncoderFeatures.AllLayersHiddenAndCell, reloaded.EncoderFeatures);
        Assert.AreEqual(saved, reloaded);
    }

    // The settings are private to the transformer; reading them back is a test's business only.
    private static TransformerSettings SettingsOf(LstmAutoEncoderTransformer transformer) =>
        (TransformerSettings)typeof(LstmAutoEncoderTransformer)
            .GetField("_settings", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .GetValue(transformer)!;

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    [TestMethod]
    public void LoadingNeedsTheOneRegistrationCall()
    {
        var context = new MLContext(seed: 1);
        // ML.NET's own message; it cannot name the missing loader because it never finds it.
        Assert.ThrowsExactly<FormatException>(() => context.Model.Load(new MemoryStream(s_savedZip), out _));

        context.ComponentCatalog.RegisterLstmAutoEncoder();
        Assert.IsInstanceOfType<LstmAutoEncoderTransformer>(context.Model.Load(new MemoryStream(s_savedZip), out _));
    }

    [TestMethod]
    public void TheReadmeQuotesTheMessageOfALoadWithoutRegistration()
    {
        // ML.NET never reaches LstmAe's code on this path, so its message cannot name RegisterLstmAutoEncoder(): the
        // README quotes the message next to the registration call, for users who search for it.
        using var zip = new MemoryStream();
        Ml.Model.Save(new TransformerChain<ITransformer>(s_transformer), s_data.Schema, zip);
        var context = new MLContext(seed: 1);

        var alone = Assert.ThrowsExactly<FormatException>(() => context.Model.Load(new MemoryStream(s_savedZip), out _));
        var chain = Assert.ThrowsExactly<InvalidOperationException>(() => context.Model.Load(new MemoryStream(zip.ToArray()), out _));

        Assert.AreEqual("Couldn't load model: 'TransformerChain'", alone.Message);
        Assert.AreEqual("Error during class instantiation", chain.Message);
        Assert.AreEqual($"Couldn't load model: '{Path.Combine("TransformerChain", "Transform_000")}'", chain.InnerException?.InnerException?.Message);
        string readme = File.ReadAllText(ReadmePath()).ReplaceLineEndings(" ").Replace("   ", " ", StringComparison.Ordinal);
        StringAssert.Contains(readme,
            "**`Couldn't load model: 'TransformerChain'`** (a transformer saved alone), or `Error during class instantiation` " +
            "around `Couldn't load model: 'TransformerChain/Transform_000'` (in a pipeline): the context loading the zip lacks " +
            "`ml.ComponentCatalog.RegisterLstmAutoEncoder();`");
    }

    private static string ReadmePath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(folder.FullName, "LstmAe.sln")))
                return candidate;
        }
        throw new FileNotFoundException("No README.md beside LstmAe.sln above " + AppContext.BaseDirectory);
    }

    [TestMethod]
    public void ZipHoldsSettingsJsonAndModelEntries()
    {
        using var archive = new ZipArchive(new MemoryStream(s_savedZip), ZipArchiveMode.Read);
        ZipArchiveEntry settings = archive.Entries.Single(e => e.FullName.EndsWith(TransformerPersistence.SettingsEntry, StringComparison.Ordinal));
        Assert.IsTrue(archive.Entries.Any(e => e.FullName.EndsWith(TransformerPersistence.ModelEntry, StringComparison.Ordinal)));
        using var reader = new StreamReader(settings.Open());
        string json = reader.ReadToEnd();
        StringAssert.Contains(json, "\"FormatVersion\": 1");
        StringAssert.Contains(json, "\"InputColumnName\": \"Frames\"");
    }

    [TestMethod]
    public void TruncatedModelEntryIsNamed() =>
        AssertLoadFailsNaming(TransformerPersistence.ModelEntry, bytes => bytes[..(bytes.Length / 2)]);

    [TestMethod]
    public void CorruptModelEntryIsNamed() =>
        AssertLoadFailsNaming(TransformerPersistence.ModelEntry, bytes =>
        {
            byte[] copy = (byte[])bytes.Clone();
            for (int i = copy.Length / 2; i < copy.Length / 2 + 64; i++) copy[i] ^= 0x5A;
            return copy;
        });

    [TestMethod]
    public void ForeignModelEntryIsNamed() =>
        AssertLoadFailsNaming(TransformerPersistence.ModelEntry, _ => "PK not a model at all"u8.ToArray());

    [TestMethod]
    public void CorruptSettingsEntryIsNamed() =>
        AssertLoadFailsNaming(TransformerPersistence.SettingsEntry, bytes => bytes[..(bytes.Length - 10)]);

    [TestMethod]
    public void SettingsFromAFutureFormatAreRejected() =>
        AssertLoadFailsNaming(TransformerPersistence.SettingsEntry, bytes =>
            System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(bytes)
                .Replace("\"FormatVersion\": 1", "\"FormatVersion\": 7", StringComparison.Ordinal)));

    [TestMethod]
    public void MissingEntryIsNamed() => AssertLoadFailsNaming(TransformerPersistence.ModelEntry, replace: null);

    [TestMethod]
    public void ATransformBatchSizeAboveTheCapFromAnOlderZipLoadsClamped()
    {
        // Zips saved before the cap hold any positive batch size; it is a runtime setting, so it is clamped.
        byte[] old = RewriteEntry(s_savedZip, TransformerPersistence.SettingsEntry, (bytes, entry) =>
            entry.Write(System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(bytes)
                .Replace("\"TransformBatchSize\": 4", "\"TransformBatchSize\": 100000", StringComparison.Ordinal))));
        var fresh = new MLContext(seed: 1);
        fresh.ComponentCatalog.RegisterLstmAutoEncoder();

        var loaded = (LstmAutoEncoderTransformer)fresh.Model.Load(new MemoryStream(old), out _);
        try
        {
            Assert.AreEqual(LstmAutoEncoderOptions.MaxTransformBatchSize, SettingsOf(loaded).TransformBatchSize);
        }
        finally
        {
            loaded.Dispose();
        }
    }

    [TestMethod]
    public void AZeroTransformBatchSizeInTheSettingsIsNamed()
    {
        string message = AssertLoadFailsNaming(TransformerPersistence.SettingsEntry, bytes =>
            System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(bytes)
                .Replace("\"TransformBatchSize\": 4", "\"TransformBatchSize\": 0", StringComparison.Ordinal)));

        StringAssert.Contains(message, $"TransformBatchSize must be between 1 and {LstmAutoEncoderOptions.MaxTransformBatchSize}; got 0");
    }

    private static string AssertLoadFailsNaming(string entryName, Func<byte[], byte[]>? replace) =>
        AssertLoadFailsNaming(entryName, replace is null ? null : (original, entry) => entry.Write(replace(original)));

    /// <summary>Loads the saved zip with one entry rewritten; returns the message of the first InvalidDataException,
    /// which must name the entry. Managed allocations during the load must stay under <paramref name="allocationBudget"/>.</summary>
    private static string AssertLoadFailsNaming(string entryName, Action<byte[], Stream>? replace, long allocationBudget = long.MaxValue)
    {
        byte[] damaged = RewriteEntry(s_savedZip, entryName, replace);
        var fresh = new MLContext(seed: 1);
        fresh.ComponentCatalog.RegisterLstmAutoEncoder();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<Exception>(() => fresh.Model.Load(new MemoryStream(damaged), out _));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        InvalidDataException? cause = Causes(e).OfType<InvalidDataException>().FirstOrDefault();
        Assert.IsNotNull(cause, $"Expected an InvalidDataException in the chain; got: {Flatten(e)}");
        StringAssert.Contains(cause.Message, $"'{entryName}'");
        Assert.IsLessThan(allocationBudget, allocated, $"allocated {allocated} bytes");
        return cause.Message;
    }

    /// <summary>A copy of <paramref name="zip"/> with the entry ending in <paramref name="entryName"/> rewritten from
    /// its original bytes (or removed when <paramref name="replace"/> is null).</summary>
    private static byte[] RewriteEntry(byte[] zip, string entryName, Action<byte[], Stream>? replace)
    {
        var output = new MemoryStream();
        output.Write(zip);
        using (var archive = new ZipArchive(output, ZipArchiveMode.Update, leaveOpen: true))
        {
            ZipArchiveEntry entry = archive.Entries.Single(e => e.FullName.EndsWith(entryName, StringComparison.Ordinal));
            string name = entry.FullName;
            byte[] original;
            using (var content = new MemoryStream())
            {
                using (Stream stream = entry.Open()) stream.CopyTo(content);
                original = content.ToArray();
            }
            entry.Delete();
            if (replace is not null)
            {
                using Stream stream = archive.CreateEntry(name).Open();
                replace(original, stream);
            }
        }
        return output.ToArray();
    }

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            yield return x;
    }

    private static string Flatten(Exception e) => string.Join(" <- ", Causes(e).Select(x => $"{x.GetType().Name}: {x.Message}"));
}
