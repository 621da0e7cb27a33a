using System.Text;
using LstmAe.MLNet.Tests.Support;
using LstmAe.Tests.Shared;

namespace LstmAe.MLNet.Tests.Data;

/// <summary>
/// An .npy file cut short on disk after <c>NpySequenceFile.Open</c>: reading it killed the process with a bus error
/// while the file was memory-mapped, so the scenario runs in LstmAe.MLNet.ModelRunner (see its TruncatedNpy).
/// </summary>
[TestClass]
public sealed class TruncatedNpyFileTests
{
    private const int Frames = 20, Sequences = 50, Side = 64;

    [TestMethod]
    public void ReadingAFileCutShortAfterOpeningIsAnIOExceptionNamingIt()
    {
        using var temp = new TempDirectory();
        string path = temp.File("seq.npy");
        File.WriteAllBytes(path, TimeMajorNpy());

        ModelRunnerProcess run = ModelRunnerProcess.Run("npy-truncated", path).AssertSucceeded();

        Assert.AreEqual($"{Sequences} sequences, {Frames * Side * Side} floats each", run.Line("before"));
        string after = run.Line("after");
        StringAssert.StartsWith(after, $"IOException: '{path}' was cut short after it was opened: reading 4096 bytes at offset ");
        StringAssert.Contains(after, $"the header declares {Frames * Sequences * Side * Side} bytes of data from offset 128; the file now ends at offset 128).");
    }

    /// <summary>uint8, time-major (20, 50, 64, 64), with a 128-byte header.</summary>
    private static byte[] TimeMajorNpy()
    {
        string header = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({Frames}, {Sequences}, {Side}, {Side}), }}".PadRight(117) + "\n";
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0];
        var data = new byte[Frames * Sequences * Side * Side];
        new Random(1).NextBytes(data);
        return [.. prefix, .. Encoding.ASCII.GetBytes(header), .. data];
    }
}
