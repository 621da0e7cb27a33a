using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.Interop;

/// <summary>
/// torch.save zips written here, opcode by opcode, with lies in them: sizes and names must be checked against the
/// model before anything the file declares is allocated, and bad values must be named.
/// </summary>
[TestClass]
public sealed class CraftedStateDictTests
{
    private const long AllocationBudget = 32 << 20;

    [TestMethod]
    public void AFaithfulFileLoadsBitForBit()
    {
        using var temp = new TempDirectory();
        using var source = LstmAutoEncoder.Create(TinyModels.Options, seed: 3);
        string path = Write(temp, Tensors(source));
        using var target = LstmAutoEncoder.Create(TinyModels.Options, seed: 4);

        target.LoadPyTorchStateDict(path);

        TinyModels.AssertBitIdentical(source, target);
    }

    [TestMethod]
    public void AShortStorageEntryNamesTheFileAndTheEntry()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var tensors = Tensors(model);
        tensors[0] = tensors[0] with { Storage = tensors[0].Storage[..^3] };
        string path = Write(temp, tensors);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, $"{tensors[0].Name}: storage entry 'archive/data/0' holds {(64 * 16 * 4) - 3} bytes, expected 1024 x 4");
    }

    [TestMethod]
    public void AHugeDeclaredStorageIsRefusedBeforeItIsAllocated()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var tensors = Tensors(model);
        tensors[0] = tensors[0] with { DeclaredElements = 1 << 29 };
        string path = Write(temp, tensors);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, "storage entry 'archive/data/0' holds 4096 bytes, expected 536870912 x 4");
        Assert.IsLessThan(AllocationBudget, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void HugeShapesAndUnknownNamesAreRefusedBeforeAnyStorageIsRead()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var tensors = Tensors(model);
        tensors[1] = tensors[1] with { Shape = [1 << 20, 1 << 20], Stride = [1 << 20, 1] };
        tensors.Add(tensors[2] with { Name = "bogus.weight", Key = "99" });
        string path = Write(temp, tensors);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, "unexpected: bogus.weight");
        StringAssert.Contains(error.Message, $"{tensors[1].Name} has shape [1048576, 1048576], expected [64, 16]");
        Assert.IsLessThan(AllocationBudget, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void AViewReachingPastItsStorageIsRefused()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var tensors = Tensors(model);
        tensors[0] = tensors[0] with { Offset = 5 };
        string path = Write(temp, tensors);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, $"{tensors[0].Name}: its view (offset 5, stride [16, 1]) reaches past its storage of 1024 elements");
    }

    [TestMethod]
    public void TensorsSharingOneStorageAtOffsetsAndTransposedLoadBitForBit()
    {
        // As a GPU-trained model is saved: one flat storage on "cuda:0", every tensor a view at its offset; here the
        // matrices are also stored transposed (stride [1, rows]).
        using var temp = new TempDirectory();
        using var source = LstmAutoEncoder.Create(TinyModels.Options, seed: 3);
        List<Stored> tensors = Tensors(source);
        var flat = new List<byte>();
        var shared = new List<Stored>();
        foreach (Stored t in tensors)
        {
            long offset = flat.Count / 4;
            if (t.Shape.Length == 2)
            {
                float[] values = MemoryMarshal.Cast<byte, float>(t.Storage).ToArray();
                long rows = t.Shape[0], columns = t.Shape[1];
                var transposed = new float[values.Length];
                for (long r = 0; r < rows; r++)
                    for (long c = 0; c < columns; c++) transposed[(c * rows) + r] = values[(r * columns) + c];
                flat.AddRange(MemoryMarshal.AsBytes(transposed.AsSpan()).ToArray());
                shared.Add(t with { Key = "0", Offset = offset, Stride = [1, rows], Location = "cuda:0" });
            }
            else
            {
                flat.AddRange(t.Storage);
                shared.Add(t with { Key = "0", Offset = offset, Location = "cuda:0" });
            }
        }
        byte[] storage = flat.ToArray();
        string path = Write(temp, shared.Select(t => t with { Storage = storage, DeclaredElements = storage.Length / 4 }).ToList());
        using var target = LstmAutoEncoder.Create(TinyModels.Options, seed: 4);

        target.LoadPyTorchStateDict(path);

        TinyModels.AssertBitIdentical(source, target);
    }

    [TestMethod]
    public void AStrideThatOverflowsIsRefusedBeforeAnyStorageIsRead()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var tensors = Tensors(model);
        tensors[0] = tensors[0] with { Stride = [1L << 60, 1] };
        tensors[1] = tensors[1] with { Stride = [-16, 1], Offset = 63 * 16 };
        string path = Write(temp, tensors);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, $"{tensors[0].Name}: its view (offset 0, stride [1152921504606846976, 1]) reaches past its storage of 1024 elements");
        StringAssert.Contains(error.Message, $"{tensors[1].Name}: its view (offset 1008, stride [-16, 1]) reaches past its storage");
        Assert.IsLessThan(AllocationBudget, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void ASharedViewReachingPastTheSharedStorageIsRefused()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var tensors = Tensors(model);
        // The second tensor views the first one's storage right after its last element: one element too far.
        tensors[1] = tensors[0] with { Name = tensors[1].Name, Shape = tensors[1].Shape, Stride = tensors[1].Stride, Offset = 1 };
        string path = Write(temp, tensors);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, $"{tensors[1].Name}: its view (offset 1, stride [{tensors[1].Stride[0]}, 1]) reaches past its storage of 1024 elements");
    }

    [TestMethod]
    public void TensorsDeclaringOneStorageDifferentlyAreRefused()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var tensors = Tensors(model);
        // Same entry, declared with fewer elements by the second tensor (a bias of 64 viewing the start).
        tensors[2] = tensors[2] with { Key = tensors[0].Key, Storage = tensors[0].Storage, DeclaredElements = 64 };
        string path = Write(temp, tensors);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, $"{tensors[0].Name}, {tensors[2].Name} share storage entry '0' but declare it differently (FloatStorage x 1024, FloatStorage x 64)");
    }

    [TestMethod]
    public void NonFiniteWeightsAreRefusedNamingTheTensor()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var tensors = Tensors(model);
        int last = tensors.Count - 1;
        byte[] storage = (byte[])tensors[last].Storage.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(storage, 4 * 3);
        tensors[last] = tensors[last] with { Storage = storage };
        string path = Write(temp, tensors);
        float[] before = TinyModels.Weights(model)[tensors[last].Name];

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, $"{tensors[last].Name} holds NaN at element 3");
        CollectionAssert.AreEqual(before, TinyModels.Weights(model)[tensors[last].Name], "Nothing may be copied in.");
    }

    [TestMethod]
    public void AnOpcodeThatWouldRunCodeIsInvalidData()
    {
        using var temp = new TempDirectory();
        string path = temp.Write("inst.pt", Zip([("archive/data.pkl", [0x80, 2, (byte)'i', .. "os\nsystem\n"u8, (byte)'.'])]));
        using var model = LstmAutoEncoder.Create(TinyModels.Options);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, "opcode 0x69 at offset 2 builds a Python object, which a state_dict does not hold");
    }

    [TestMethod]
    public void ANoneWhereOrderedDictArgumentsBelongIsInvalidData()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        List<Stored> tensors = Tensors(model);
        byte[] pickle = Replace(Pickle(tensors), "ccollections\nOrderedDict\n)"u8, "ccollections\nOrderedDict\nN"u8);
        string path = WritePickle(temp, pickle, tensors);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "REDUCE needs an argument tuple");
    }

    [TestMethod]
    public void ANoneInPlaceOfTheStateDictIsInvalidData()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        List<Stored> tensors = Tensors(model);
        byte[] pickle = Pickle(tensors);
        Assert.AreEqual((byte)'}', pickle[2]);
        pickle[2] = (byte)'N';
        string path = WritePickle(temp, pickle, tensors);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "SETITEMS needs a dict");
    }

    [TestMethod]
    public void NoneOrWrongTypesUnderListAndDictOpcodesAreInvalidData()
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        byte[][] pickles =
        [
            [0x80, 2, (byte)'N', (byte)'K', 1, (byte)'a', (byte)'.'], // APPEND to None
            [0x80, 2, (byte)'N', (byte)'(', (byte)'K', 1, (byte)'e', (byte)'.'], // APPENDS to None
            [0x80, 2, (byte)'N', (byte)'K', 1, (byte)'K', 2, (byte)'s', (byte)'.'], // SETITEM on None
            [0x80, 2, (byte)'}', (byte)'N', (byte)'K', 2, (byte)'s', (byte)'.'], // SETITEM with a None key
            [0x80, 2, (byte)']', (byte)'K', 1, (byte)'K', 2, (byte)'s', (byte)'.'], // SETITEM on a list
            [0x80, 2, (byte)'K', 1, (byte)'N', 0x93, (byte)'.'], // STACK_GLOBAL of None and an int
            [0x80, 2, (byte)'N', (byte)'N', (byte)'b', (byte)'.'], // BUILD on None
        ];
        for (int i = 0; i < pickles.Length; i++)
        {
            string path = temp.Write($"none{i}.pt", Zip([("archive/data.pkl", pickles[i])]));

            var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path), $"pickle {i}");

            StringAssert.Contains(error.Message, path);
        }
    }

    [TestMethod]
    [DataRow("bigend", "says 'bigend', expected 'little'")]
    [DataRow("big", "holds 3 bytes, expected the 6 of 'little'")]
    [DataRow("little-endian-and-more", "holds 22 bytes, expected the 6 of 'little'")]
    [DataRow("big-endian-padded-to-32-bytes...", "holds 32 bytes, expected the 6 of 'little'")]
    public void AByteOrderOtherThanLittleIsRefusedWhateverItsLength(string byteOrder, string expected)
    {
        using var temp = new TempDirectory();
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        List<Stored> tensors = Tensors(model);
        string path = temp.Write("order.pt", Zip(
        [
            ("archive/data.pkl", Pickle(tensors)),
            ("archive/byteorder", Encoding.ASCII.GetBytes(byteOrder)),
            .. tensors.DistinctBy(t => t.Key).Select(t => ($"archive/data/{t.Key}", t.Storage)),
        ]));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, path);
        StringAssert.Contains(error.Message, "entry 'archive/byteorder'");
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public void MutatedPicklesLoadOrFailAsInvalidDataOnly()
    {
        using var temp = new TempDirectory();
        using var source = LstmAutoEncoder.Create(TinyModels.Options, seed: 3);
        List<Stored> tensors = Tensors(source);
        byte[] pickle = Pickle(tensors);
        var random = new Random(12);
        using var target = LstmAutoEncoder.Create(TinyModels.Options);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] mutated = (byte[])pickle.Clone();
            for (int flips = random.Next(1, 5); flips > 0; flips--) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            string path = temp.Write($"fuzz{trial}.pt", Zip(
            [
                ("archive/data.pkl", random.Next(8) == 0 ? mutated[..random.Next(mutated.Length)] : mutated),
                .. tensors.Select(t => ($"archive/data/{t.Key}", t.Storage)),
            ]));
            try
            {
                target.LoadPyTorchStateDict(path);
            }
            catch (InvalidDataException)
            {
                // The only acceptable failure.
            }
        }
    }

    /// <summary>One tensor as a torch.save file holds it: a float32 storage and a view of it.</summary>
    private sealed record Stored(string Name, string Key, byte[] Storage, long DeclaredElements, long Offset, long[] Shape, long[] Stride, string Location = "cpu");

    private static List<Stored> Tensors(LstmAutoEncoder model) => model.Module.state_dict().Select((p, i) =>
    {
        float[] values = p.Value.detach().contiguous().data<float>().ToArray();
        long[] shape = p.Value.shape;
        long[] stride = shape.Length == 2 ? [shape[1], 1] : [1];
        return new Stored(p.Key, i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values.Length, 0, shape, stride);
    }).ToList();

    private static string Write(TempDirectory temp, List<Stored> tensors) => temp.Write("crafted.pt", Zip(
    [
        ("archive/data.pkl", Pickle(tensors)),
        ("archive/byteorder", "little"u8.ToArray()),
        .. tensors.DistinctBy(t => t.Key).Select(t => ($"archive/data/{t.Key}", t.Storage)),
    ]));

    /// <summary>The pickle torch.save writes for a state_dict (protocol 2, a plain dict, empty backward hooks).</summary>
    private static byte[] Pickle(List<Stored> tensors)
    {
        var pickle = new MemoryStream();
        pickle.Write([0x80, 2, (byte)'}', (byte)'(']);
        foreach (Stored t in tensors)
        {
            String(pickle, t.Name);
            pickle.Write("ctorch._utils\n_rebuild_tensor_v2\n(("u8);
            String(pickle, "storage");
            pickle.Write("ctorch\nFloatStorage\n"u8);
            String(pickle, t.Key);
            String(pickle, t.Location);
            Int(pickle, t.DeclaredElements);
            pickle.Write("tQ"u8);
            Int(pickle, t.Offset);
            Ints(pickle, t.Shape);
            Ints(pickle, t.Stride);
            pickle.WriteByte(0x89); // NEWFALSE: requires_grad
            pickle.Write("ccollections\nOrderedDict\n)RtR"u8);
        }

        pickle.Write("u."u8);
        return pickle.ToArray();

        static void String(Stream s, string value)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            s.WriteByte((byte)'X');
            s.Write(BitConverter.GetBytes(utf8.Length));
            s.Write(utf8);
        }

        static void Int(Stream s, long value)
        {
            if (value is >= int.MinValue and <= int.MaxValue)
            {
                s.WriteByte((byte)'J');
                s.Write(BitConverter.GetBytes((int)value));
            }
            else
            {
                s.Write([0x8a, 8]); // LONG1, 8 bytes
                s.Write(BitConverter.GetBytes(value));
            }
        }

        static void Ints(Stream s, long[] values)
        {
            s.WriteByte((byte)'(');
            foreach (long value in values) Int(s, value);
            s.WriteByte((byte)'t');
        }
    }

    private static string WritePickle(TempDirectory temp, byte[] pickle, List<Stored> tensors) => temp.Write("crafted.pt", Zip(
    [
        ("archive/data.pkl", pickle),
        ("archive/byteorder", "little"u8.ToArray()),
        .. tensors.DistinctBy(t => t.Key).Select(t => ($"archive/data/{t.Key}", t.Storage)),
    ]));

    /// <summary>Replaces every occurrence of <paramref name="from"/> (at least one) by <paramref name="to"/>, same length.</summary>
    private static byte[] Replace(byte[] data, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        byte[] result = (byte[])data.Clone();
        int count = 0;
        for (int at = result.AsSpan().IndexOf(from); at >= 0; at = result.AsSpan().IndexOf(from))
        {
            to.CopyTo(result.AsSpan(at));
            count++;
        }

        Assert.IsGreaterThan(0, count);
        return result;
    }

    /// <summary>A zip of <paramref name="entries"/>, stored uncompressed.</summary>
    internal static byte[] Zip(IEnumerable<(string Name, byte[] Content)> entries)
    {
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using Stream stream = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }
}
