using LstmAe.IO;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.IO;

/// <summary>A file is either its old self or complete new content, and no temporary file outlives a write.</summary>
[TestClass]
public sealed class AtomicFileTests
{
    [TestMethod]
    public void AWriterThatSucceedsReplacesTheFileAndLeavesOnlyIt()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.lstmae");
        File.WriteAllText(path, "the old model");

        AtomicFile.Write(path, stream => stream.Write("the new model"u8));

        Assert.AreEqual("the new model", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [TestMethod]
    public void AWriterThatClosesTheStreamStillProducesTheFile()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.lstmae");

        // TorchSharp's savers close the stream they are given.
        AtomicFile.Write(path, stream =>
        {
            stream.Write("closed by the writer"u8);
            stream.Dispose();
        });

        Assert.AreEqual("closed by the writer", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [TestMethod]
    public void AWriterThatFailsLeavesTheOldFileAndPropagatesItsException()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.lstmae");
        File.WriteAllText(path, "the old model");

        var error = Assert.ThrowsExactly<InvalidDataException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half a model"u8);
            throw new InvalidDataException("The writer failed half-way.");
        }));

        Assert.AreEqual("The writer failed half-way.", error.Message);
        Assert.AreEqual("the old model", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [TestMethod]
    public void AFileWriterReceivesATemporaryNameBesideTheTargetAndReplacesTheFile()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pt");
        File.WriteAllText(path, "the old weights");
        string? given = null;

        AtomicFile.WriteFile(path, temporary =>
        {
            given = temporary;
            File.WriteAllText(temporary, "the new weights");
        });

        Assert.AreEqual(folder.Path, Path.GetDirectoryName(given));
        Assert.AreNotEqual(path, given);
        Assert.AreEqual("the new weights", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [TestMethod]
    public void AFileWriterThatFailsLeavesTheOldFileAndNoTemporaryFile()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pt");
        File.WriteAllText(path, "the old weights");

        Assert.ThrowsExactly<InvalidOperationException>(() => AtomicFile.WriteFile(path, temporary =>
        {
            File.WriteAllText(temporary, "half the weights");
            throw new InvalidOperationException("The saver failed half-way.");
        }));

        Assert.AreEqual("the old weights", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder.Path));
    }

    [TestMethod]
    public void AFileWriterThatCreatesNoFileIsAnErrorNamingTheTarget()
    {
        using var folder = new TempDirectory();
        string path = folder.File("weights.npy");
        File.WriteAllText(path, "the old weights");

        // As a saver that appends its own extension to the name it is given would.
        var error = Assert.ThrowsExactly<IOException>(() =>
            AtomicFile.WriteFile(path, temporary => File.WriteAllText(temporary + ".npy", "misplaced")));

        StringAssert.Contains(error.Message, path);
        Assert.AreEqual("the old weights", File.ReadAllText(path));
    }

    [TestMethod]
    public void AMissingFolderIsAnErrorNamingTheTarget()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "missing", "model.lstmae");

        var error = Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(path, stream => stream.WriteByte(1)));

        StringAssert.StartsWith(error.Message, $"Could not write {path}:");
        Assert.IsInstanceOfType<DirectoryNotFoundException>(error.InnerException);
        Assert.IsEmpty(Directory.GetFileSystemEntries(folder.Path));
    }

    [TestMethod]
    public void ATargetThatIsAFolderIsRefusedBeforeAnythingIsWritten()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.lstmae");
        Directory.CreateDirectory(path);
        bool written = false;

        var error = Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(path, stream => written = true));
        var fileError = Assert.ThrowsExactly<IOException>(() => AtomicFile.WriteFile(path, temporary => written = true));

        StringAssert.StartsWith(error.Message, $"Could not write {path}: it is a folder, not a regular file");
        StringAssert.StartsWith(fileError.Message, $"Could not write {path}: it is a folder, not a regular file");
        Assert.IsFalse(written);
        Assert.IsTrue(Directory.Exists(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFileSystemEntries(folder.Path));
    }

    [TestMethod]
    public void ALinkToAFolderIsRefusedAndStaysALink()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(folder.File("models"));
        string link = folder.File("model.lstmae");
        File.CreateSymbolicLink(link, "models");
        bool written = false;

        var error = Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(link, stream => written = true));

        StringAssert.Contains(error.Message, "it is a folder, not a regular file");
        Assert.IsFalse(written);
        Assert.AreEqual("models", new FileInfo(link).LinkTarget);
        Assert.IsEmpty(Directory.GetFileSystemEntries(folder.File("models")));
    }

    [TestMethod]
    public void ASymbolicLinkIsWrittenThroughAndStaysALink()
    {
        using var folder = new TempDirectory();
        string real = folder.File("real.lstmae"), link = folder.File("model.lstmae");
        File.WriteAllText(real, "the old model");
        File.CreateSymbolicLink(link, "real.lstmae");

        AtomicFile.Write(link, stream => stream.Write("the new model"u8));

        Assert.AreEqual("real.lstmae", new FileInfo(link).LinkTarget);
        Assert.AreEqual("the new model", File.ReadAllText(real));
        CollectionAssert.AreEquivalent(new[] { real, link }, Directory.GetFiles(folder.Path));
    }

    [TestMethod]
    public void ALinkToAFileNotYetWrittenCreatesThatFile()
    {
        using var folder = new TempDirectory();
        Directory.CreateDirectory(folder.File("models"));
        string link = folder.File("model.lstmae");
        File.CreateSymbolicLink(link, Path.Combine("models", "first.lstmae"));

        AtomicFile.WriteFile(link, temporary => File.WriteAllText(temporary, "written through"));

        Assert.AreEqual("written through", File.ReadAllText(folder.File(Path.Combine("models", "first.lstmae"))));
        Assert.IsNotNull(new FileInfo(link).LinkTarget);
    }

    [TestMethod]
    public void AnExistingFileKeepsItsPermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix permissions only.");
            return;
        }

        using var folder = new TempDirectory();
        string path = folder.File("private.lstmae");
        File.WriteAllText(path, "secret");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        AtomicFile.Write(path, stream => stream.Write("still secret"u8));

        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [TestMethod]
    public void AReadOnlyTargetIsReplacedAndStaysReadOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix permissions only.");
            return;
        }

        using var folder = new TempDirectory();
        string path = folder.File("frozen.lstmae");
        File.WriteAllText(path, "old");
        const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(path, ReadOnly);

        AtomicFile.Write(path, stream => stream.Write("new"u8));

        Assert.AreEqual("new", File.ReadAllText(path));
        Assert.AreEqual(ReadOnly, File.GetUnixFileMode(path));
    }

    [TestMethod]
    public void AReadOnlyTargetIsReplacedWhenTheModeIsEnforced()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Linux capabilities only.");
            return;
        }

        using var folder = new TempDirectory();
        string path = folder.File("frozen.lstmae");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Exception? failure = null;
        bool enforced = false;
        // Tests run as root, which ignores file modes: drop CAP_DAC_OVERRIDE from this thread only (a new thread
        // that ends here) so the 0444 mode binds as it does for a normal user.
        var thread = new Thread(() =>
        {
            try
            {
                if (!DropDacOverrideOnThisThread()) return;
                try { File.OpenHandle(path, FileMode.Open, FileAccess.Write).Dispose(); }
                catch (UnauthorizedAccessException) { enforced = true; }
                if (enforced) AtomicFile.Write(path, stream => stream.Write("new"u8));
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();

        if (failure is not null) Assert.Fail(failure.ToString());
        if (!enforced)
        {
            Assert.Inconclusive("Could not make the file mode binding on this machine.");
            return;
        }
        Assert.AreEqual("new", File.ReadAllText(path));
    }

    private const int CapDacOverride = 1, LinuxCapabilityVersion3 = 0x20080522;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int capget(int[] header, uint[] data);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int capset(int[] header, uint[] data);

    /// <summary>Clears CAP_DAC_OVERRIDE from the calling thread's effective set; false when that is impossible.</summary>
    private static bool DropDacOverrideOnThisThread()
    {
        int[] header = [LinuxCapabilityVersion3, 0];
        uint[] data = new uint[6]; // two of { effective, permitted, inheritable }
        if (capget(header, data) != 0) return false;
        data[0] &= ~(1u << CapDacOverride);
        return capset(header, data) == 0;
    }

    [TestMethod]
    public void TheFlushWorksOnAFileWhoseModeForbidsWriting()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix permissions only.");
            return;
        }

        // A non-root user cannot open a 0400 file for writing, so the flush must not need to. (Root ignores the
        // mode, so under root this guards only against the flush throwing for other reasons.)
        using var folder = new TempDirectory();
        string path = folder.File("frozen.tmp");
        File.WriteAllText(path, "content");
        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        AtomicFile.FlushToDisk(path);

        Assert.AreEqual("content", File.ReadAllText(path));
    }

    [TestMethod]
    public void ADeviceNodeOrFifoIsRefusedAndLeftAsItIs()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("Device nodes are checked on Linux.");
        using var folder = new TempDirectory();
        // A link to /dev/full rather than /dev/full itself: should the check fail, only the link is replaced.
        string device = folder.File("full.lstmae"), fifo = folder.File("pipe.lstmae");
        File.CreateSymbolicLink(device, "/dev/full");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();

        var deviceError = Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(device, stream => stream.WriteByte(1)));
        var fifoError = Assert.ThrowsExactly<IOException>(() => AtomicFile.WriteFile(fifo, temporary => File.WriteAllText(temporary, "x")));

        StringAssert.StartsWith(deviceError.Message, $"Could not write {device} (a link to /dev/full): it is a character device, not a regular file");
        StringAssert.StartsWith(fifoError.Message, $"Could not write {fifo}: it is a FIFO, not a regular file");
        Assert.AreEqual("/dev/full", new FileInfo(device).LinkTarget);
        Assert.AreEqual("a FIFO", FileKind.SpecialKind(fifo));
        CollectionAssert.AreEquivalent(new[] { device, fifo }, Directory.GetFileSystemEntries(folder.Path));
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    public void AMissingPathIsAnArgumentError(string? path)
    {
        Assert.Throws<ArgumentException>(() => AtomicFile.Write(path!, stream => stream.WriteByte(1)));
        Assert.Throws<ArgumentException>(() => AtomicFile.WriteFile(path!, temporary => File.WriteAllText(temporary, "x")));
    }

    [TestMethod]
    public void APathThatEndsInASeparatorIsAnArgumentError()
    {
        using var folder = new TempDirectory();
        string path = folder.Path + Path.DirectorySeparatorChar;

        var error = Assert.ThrowsExactly<ArgumentException>(() => AtomicFile.Write(path, stream => stream.WriteByte(1)));

        StringAssert.Contains(error.Message, path);
        Assert.IsEmpty(Directory.GetFileSystemEntries(folder.Path));
    }
}
