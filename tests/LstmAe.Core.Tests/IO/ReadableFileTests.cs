using LstmAe.Data;
using LstmAe.Model;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.IO;

/// <summary>Every reader refuses a FIFO by name instead of waiting for a writer that may never come.</summary>
[TestClass]
public sealed class ReadableFileTests
{
    // Long enough for a loaded machine, short enough that a reader blocked in open() fails the run instead of hanging it.
    private const int OpenTimeoutMs = 60_000;

    [TestMethod]
    [Timeout(OpenTimeoutMs)] // not cooperative: a reader blocked in open() never looks at a token
    public void DataLabelsAndStateDictsNameAFifoInsteadOfWaitingForAWriter()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("File kinds are read on Linux only.");
        using var folder = new TempDirectory();
        string fifo = MakeFifo(folder.File("clips.npy"));

        string expected = $"'{fifo}' is a FIFO, not a regular file";
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.Open(fifo)).Message, expected);
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => SequenceLabelFile.Read(fifo)).Message, expected);
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadLabels(fifo)).Message, expected);
        using var model = LstmAutoEncoder.Create(LstmAutoEncoderModelOptions.CpuDefault with { HiddenSize = 4, FrameHeight = 4, FrameWidth = 4 });
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(fifo)).Message, expected);
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(fifo)).Message, expected);
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidDataException>(() => NpySequenceFile.ReadFrameCount(fifo)).Message, expected);
    }

    /// <summary>Creates a FIFO at <paramref name="path"/> with the mkfifo tool (coreutils).</summary>
    internal static string MakeFifo(string path)
    {
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", path))
        {
            mkfifo.WaitForExit();
            Assert.AreEqual(0, mkfifo.ExitCode, "mkfifo");
        }

        return path;
    }
}
