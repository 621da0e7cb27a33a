using LstmAe.Samples.Shared;
using LstmAe.Tests.Shared;

namespace LstmAe.Samples.Tests.CommandLine;

[TestClass]
public sealed class AtomicFileTests
{
    [TestMethod]
    public void AWriterThatFailsLeavesTheOldFileAndNoTemporaryFile()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.lstmae");
        File.WriteAllText(path, "the old model");

        Assert.ThrowsExactly<InvalidDataException>(() => AtomicFile.Write(path, stream =>
        {
            stream.WriteByte(42);
            throw new InvalidDataException("The writer failed half-way.");
        }));

        Assert.AreEqual("the old model", File.ReadAllText(path));
        Assert.HasCount(1, Directory.GetFiles(folder.Path));
    }

    [TestMethod]
    public void AWriterThatSucceedsReplacesTheFile()
    {
        using var folder = new TempDirectory();
        string path = folder.File("model.pt");
        File.WriteAllText(path, "the old weights");

        AtomicFile.WriteFile(path, temporary => File.WriteAllText(temporary, "the new weights"));

        Assert.AreEqual("the new weights", File.ReadAllText(path));
        Assert.HasCount(1, Directory.GetFiles(folder.Path));
    }
}
