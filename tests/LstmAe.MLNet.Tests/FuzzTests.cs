using System.Globalization;
using System.Text;
using LstmAe.MLNet.Tests.Support;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using SkiaSharp;

namespace LstmAe.MLNet.Tests;

/// <summary>
/// The bounded fuzz the hardening issue asked for: mutated model zips, npy and npy.gz files and frame-folder PNGs,
/// loaded in a child process (LstmAe.MLNet.ModelRunner's <c>fuzz</c> mode) so that a native crash or a hang fails
/// this test instead of killing the test host. Each case must load (and read every row) or fail with an
/// InvalidDataException naming the file or LstmAe's zip entry; damage to the zip's structure or ML.NET's own entries may
/// also give FormatException, an IOException or an ArgumentException from ML.NET (e.g. a corrupted loader assembly
/// name in Model.key). The in-process mutation tests
/// (CraftedModelTests, CraftedStateDictTests, FrameFolderDataViewTests) cover LstmAe's model stream, PyTorch
/// pickles and the image reader on their own.
/// </summary>
[TestClass]
public sealed class FuzzTests
{
    private const int Seed = 20261204;
    private const int CasesPerKind = 150;

    /// <summary>Peak resident set of the whole fuzz child. Measured 296-312 MB for this seed (.NET, ML.NET, libtorch
    /// and the tiny model; the cases add little), 300-387 MB for seeds 1-3 at 400 cases per kind; 512 MiB leaves room for allocator noise but not for a case that allocates
    /// from a size it read (the issue's bombs asked for 1 GiB and more, and a 64 MiB model entry alone would
    /// show).</summary>
    private const long PeakResidentCap = 512L << 20;

    /// <summary>Managed bytes one case may allocate. Measured at most 2.7 MB (a settings entry padded to 2 MiB,
    /// refused after its first MiB). The gzip bombs (1-32 MiB behind the header) are decompressed through a fixed
    /// buffer and the 8 MiB appended to a model entry are never read, so 8 MiB flags a case that copies a whole
    /// stream or entry into memory.</summary>
    private const long CaseAllocationCap = 8L << 20;

    [TestMethod]
    public void MutatedModelZipsNpyFilesAndFrameFoldersLoadOrFailCleanlyInAChildProcess()
    {
        using var temp = new TempDirectory();
        var ml = new MLContext(seed: 1);
        IDataView data = TinySequences.Load(ml, 8);
        using (LstmAutoEncoderTransformer model = TinySequences.Fit(ml, 8))
        {
            ml.Model.Save(model, data.Schema, temp.File("model.zip"));
        }
        temp.Write("sequences.npy", SeedNpy());
        using (var bitmap = new SKBitmap(8, 8, SKColorType.Rgba8888, SKAlphaType.Premul))
        {
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 8; x++)
                    bitmap.SetPixel(x, y, new SKColor((byte)(x * 32), (byte)(y * 32), (byte)(x ^ y)));
            }

            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 95);
            temp.Write("frame.png", png.ToArray());
        }

        // The suite always runs Seed; LSTMAE_FUZZ_SEED and LSTMAE_FUZZ_CASES explore others by hand.
        int seed = int.TryParse(Environment.GetEnvironmentVariable("LSTMAE_FUZZ_SEED"), CultureInfo.InvariantCulture, out int s) ? s : Seed;
        int cases = int.TryParse(Environment.GetEnvironmentVariable("LSTMAE_FUZZ_CASES"), CultureInfo.InvariantCulture, out int c) ? c : CasesPerKind;

        // A hang (no case takes a second) or a native crash (exit code 128 + signal) fails here.
        ModelRunnerProcess run = ModelRunnerProcess.Run(TimeSpan.FromMinutes(3),
            "fuzz", temp.Path, seed.ToString(CultureInfo.InvariantCulture), cases.ToString(CultureInfo.InvariantCulture));
        run.AssertSucceeded();
        Console.WriteLine(run.Output);

        Assert.AreEqual(3 * cases, int.Parse(run.Line("cases"), CultureInfo.InvariantCulture));
        string outcomes = run.Line("outcomes");
        foreach (string kind in new[] { "zip", "npy", "npy.gz", "png" })
            StringAssert.Contains(outcomes, $"{kind} InvalidDataException=", $"some {kind} cases are refused: {outcomes}");
        long peak = long.Parse(run.Line("peak rss bytes"), CultureInfo.InvariantCulture);
        long perCase = long.Parse(run.Line("max case allocated bytes"), CultureInfo.InvariantCulture);
        Assert.IsLessThan(CaseAllocationCap, perCase, $"one case allocated {perCase} managed bytes: {run.Line("max case")}");
        if (peak >= 0)
            Assert.IsLessThan(PeakResidentCap, peak, $"the fuzz child's peak resident set was {peak} bytes");
    }

    [TestMethod]
    public void TheLimitsPageQuotesTheRealCaps()
    {
        string readme = File.ReadAllText(ReadmePath()).ReplaceLineEndings("\n");
        StringAssert.Contains(readme, "## Limits and untrusted files\n", "README has a 'Limits and untrusted files' section");
        StringAssert.Contains(readme, "(docs/limits.md)", "README links the limits page");
        string section = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ReadmePath())!, "docs", "limits.md")).ReplaceLineEndings("\n");

        foreach (string quoted in new[]
        {
            $"{PowerOfTwo(LstmAe.Model.ModelSizeLimits.MaxParameterCount)} weights (`ModelSizeLimits.MaxParameterCount`)",
            $"{LstmAe.Model.ModelSizeLimits.MaxOptionsJsonBytes >> 10} KiB options JSON (`ModelSizeLimits.MaxOptionsJsonBytes`)",
            $"settings entry {LstmAe.MLNet.Persistence.TransformerPersistence.MaxSettingsEntryBytes >> 20} MiB (`TransformerPersistence.MaxSettingsEntryBytes`",
            $"above {LstmAutoEncoderOptions.MaxTransformBatchSize} (`LstmAutoEncoderOptions.MaxTransformBatchSize`) is clamped",
            $"pickle {LstmAe.Interop.PyTorchStateDict.MaxPickleBytes >> 20} MiB (`PyTorchStateDict.MaxPickleBytes`)",
            $"{Square(LstmAe.MLNet.Data.FrameFolderOptions.DefaultMaxImagePixels)} pixels (`FrameFolderOptions.MaxImagePixels`",
            $"{PowerOfTwo(LstmAe.Training.EpochOrder.MaterializedLimit)} sequences shuffled as an array (`EpochOrder.MaterializedLimit`)",
            "SaveAtomically", "trust", "`NpySequenceOptions.MaxDecompressedBytes`", $"{3 * CasesPerKind} mutated", $"{CaseAllocationCap >> 20} MiB of managed",
        })
        {
            StringAssert.Contains(section, quoted);
        }
    }

    private static string PowerOfTwo(long value) => $"2^{System.Numerics.BitOperations.Log2((ulong)value)}";

    private static string Square(long value) => $"{(long)Math.Sqrt(value)} x {(long)Math.Sqrt(value)}";

    private static string ReadmePath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(folder.FullName, "LstmAe.sln")))
                return candidate;
        }
        throw new AssertFailedException("README.md not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A version 1.0 npy file of 4 sequences of 4 frames of 8x8 uint8, time-major.</summary>
    private static byte[] SeedNpy()
    {
        string header = "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 4, 8, 8), }";
        header = header.PadRight(118 - 1) + "\n";
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0];
        byte[] values = [.. Enumerable.Range(0, 4 * 4 * 8 * 8).Select(i => (byte)(i * 7 % 256))];
        return [.. prefix, .. Encoding.ASCII.GetBytes(header), .. values];
    }
}
