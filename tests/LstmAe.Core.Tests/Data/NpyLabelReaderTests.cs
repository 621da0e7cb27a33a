using System.Text;
using LstmAe.Data;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.Data;

[TestClass]
public sealed class NpyLabelReaderTests
{
    [TestMethod]
    public void ATinyLabelFileDeclaringHugeCountIsRefusedBeforeAllocating()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.npy", Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2000000000,), }", [1, 2, 3]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => NpyLabelReader.Read(path));

        Assert.IsLessThan(4L << 20, GC.GetAllocatedBytesForCurrentThread() - before);
        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "declares 2000000000 labels of 1 bytes from offset 128, but only 3 bytes follow");
    }

    [TestMethod]
    public void AFileHoldingItsDeclaredLabelsReads()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("labels.npy", Npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", [1, 2, 3]));

        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, NpyLabelReader.Read(path));
    }

    /// <summary>A version 1.0 .npy file: magic, header padded with spaces to 128 bytes in all, then <paramref name="data"/>.</summary>
    private static byte[] Npy(string header, byte[] data)
    {
        string padded = header.PadRight(128 - 10 - 1) + "\n";
        byte[] text = Encoding.ASCII.GetBytes(padded);
        return [0x93, .. "NUMPY"u8, 1, 0, (byte)text.Length, (byte)(text.Length >> 8), .. text, .. data];
    }
}
