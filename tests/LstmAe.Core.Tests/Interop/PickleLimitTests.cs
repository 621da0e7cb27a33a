using System.Text;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Interop;
using LstmAe.Model;
using LstmAe.Tests.Shared;

namespace LstmAe.Core.Tests.Interop;

/// <summary>
/// Pickles made to exhaust the reader: values nested deeply, floods of one-byte containers, keys of any size. Each
/// must fail as invalid data naming the limit it reaches and where, with a short message. The inputs are far above
/// each limit yet small enough that a reader without the limits fails these assertions instead of crashing the test
/// host (100,000 nested persistent ids overflowed the stack) or allocating gigabytes (16 Mi empty dicts took 1.5 GB).
/// </summary>
[TestClass]
public sealed class PickleLimitTests
{
    private const int Deep = 1000;

    [TestMethod]
    public void APersistentIdOfAPersistentIdIsRefused()
    {
        // Each BINPERSID wrapped the value before it, and hashing the key walked every level.
        string message = Refused([0x80, 2, .. "}N"u8, .. Repeat("Q", Deep), .. "Ns."u8]);

        StringAssert.Contains(message, "BINPERSID needs a tuple at offset 4, not None");
    }

    [TestMethod]
    public void PersistentIdsNestedThroughTuplesAreRefusedAtTheDepthLimit()
    {
        // An empty tuple at offset 3, then persistent id and tuple in turn, each one level deeper than the last.
        string message = Refused([0x80, 2, .. "})"u8, .. Repeat("Q\x85", Deep), .. "Ns."u8]);

        StringAssert.Contains(message, $"opcode 0x51 at offset {3 + PickleMachine.MaxDepth + 1} nests values more than {PickleMachine.MaxDepth} deep");
        StringAssert.Contains(message, "(PickleMachine.MaxDepth)");
    }

    [TestMethod]
    [DataRow("tuples", ")", "", "", "\x85")]
    [DataRow("lists", "", "]", "", "a")]
    [DataRow("lists from marks", "", "(", "", "l")]
    [DataRow("dicts", "}", "K\x01}", "", "s")]
    [DataRow("calls", "", "N", ")R", "\x85R")]
    public void DeeplyNestedValuesAreRefusedAtTheDepthLimit(string what, string start, string open, string middle, string close)
    {
        // start, then open n times, middle, close n - 1 times: values n deep.
        string message = Refused([0x80, 2, .. Latin1(start), .. Repeat(open, Deep), .. Latin1(middle), .. Repeat(close, Deep - 1), (byte)'.']);

        StringAssert.Contains(message, $"nests values more than {PickleMachine.MaxDepth} deep", what);
        StringAssert.Contains(message, "(PickleMachine.MaxDepth)", what);
    }

    [TestMethod]
    [DataRow("", "}", PickleMachine.MaxStack + 1, "holds more than 65536 values on its stack", "MaxStack")]
    [DataRow("", "]", PickleMachine.MaxStack + 1, "holds more than 65536 values on its stack", "MaxStack")]
    [DataRow("N", "2", PickleMachine.MaxStack, "holds more than 65536 values on its stack", "MaxStack")]
    [DataRow("", "}0", PickleMachine.MaxObjects + 1, "builds more than 262144 tuples, lists, dicts, calls and persistent ids", "MaxObjects")]
    [DataRow("]", "]a", PickleMachine.MaxObjects, "builds more than 262144 tuples, lists, dicts, calls and persistent ids", "MaxObjects")]
    [DataRow("]", "Na", PickleMachine.MaxItems + 1, "puts more than 1048576 values into tuples, lists, dicts and calls", "MaxItems")]
    [DataRow("N", "\x94", PickleMachine.MaxMemo + 1, "makes more than 524288 memo entries", "MaxMemo")]
    public void FloodsOfOneOrTwoByteOpcodesStopAtTheirLimit(string start, string unit, int count, string expected, string limit)
    {
        string message = Refused([0x80, 2, .. Latin1(start), .. Repeat(unit, count), (byte)'.']);

        StringAssert.Contains(message, expected);
        StringAssert.Contains(message, $"(PickleMachine.{limit})");
    }

    [TestMethod]
    public void KeysOfAnySizeGiveShortMessages()
    {
        string longName = new('k', PickleMachine.MaxNameChars);
        (byte[] Pickle, string Expected)[] cases =
        [
            // A name of the longest length allowed, for a value that is not a tensor: shortened in the message.
            ([0x80, 2, (byte)'}', .. Unicode(longName), .. "Ns."u8], $"an entry '{longName[..PickleValues.PreviewChars]}... (1024 characters)' whose value is not a tensor"),
            ([0x80, 2, (byte)'}', .. Unicode(longName + "k"), .. "Ns."u8], "sets a key of 1025 characters, more than 1024, the limit for a state_dict (PickleMachine.MaxNameChars)"),
            ([0x80, 2, .. "}ctorch\n"u8, .. Latin1(longName + "k\n"), .. "Ns."u8], "names a global of more than 1024 characters, the limit for a state_dict (PickleMachine.MaxNameChars)"),
            ([0x80, 2, .. "}("u8, .. Repeat("K\x01", 30_000), .. "tNs."u8], "an entry whose key is a tuple;"),
            ([0x80, 2, .. "}ctorch\nFloatStorage\nNs."u8], "an entry whose key is a global 'torch.FloatStorage';"),
        ];
        for (int i = 0; i < cases.Length; i++)
        {
            string message = Refused(cases[i].Pickle);

            StringAssert.Contains(message, cases[i].Expected, $"case {i}");
        }
    }

    [TestMethod]
    public void FarMoreEntriesThanTheModelHasAreRefusedByTheirCount()
    {
        int tensors;
        using (var model = LstmAutoEncoder.Create(TinyModels.Options)) tensors = model.Module.state_dict().Count;
        int count = tensors + 101;
        var pickle = new List<byte> { 0x80, 2, (byte)'}', (byte)'(' };
        for (int i = 0; i < count; i++)
        {
            pickle.AddRange(Unicode($"entry{i}"));
            pickle.Add((byte)'N');
        }

        string message = Refused([.. pickle, .. "u."u8]);

        StringAssert.Contains(message, $"holds {count} entries, more than this model's {tensors} tensors and 100 unexpected ones");
    }

    [TestMethod]
    [DataRow(PickleMachine.MaxNameChars + 1, 2)]
    [DataRow(1, 65)]
    public void ATensorWithAHugeStorageKeyOrRankIsRefused(int keyLength, int rank)
    {
        // Every entry may share one such value from the memo, and each would be checked and named on its own.
        byte[] shape = [(byte)'(', .. Repeat("K\x01", rank), (byte)'t'];
        string message = Refused(
        [
            0x80, 2, (byte)'}', .. Unicode("x"), .. "ctorch._utils\n_rebuild_tensor_v2\n(("u8, .. Unicode("storage"),
            .. "ctorch\nFloatStorage\n"u8, .. Unicode(new string('0', keyLength)), .. Unicode("cpu"), (byte)'K', 1,
            .. "tQK\x00"u8, .. shape, .. shape, .. "tRs."u8,
        ]);

        StringAssert.Contains(message, "holds an entry 'x' whose value is not a tensor torch.save writes (its value: torch._utils._rebuild_tensor_v2(...))");
    }

    [TestMethod]
    public void TheLimitsPageQuotesTheCaps()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "LstmAe.sln"))) folder = folder.Parent ?? throw new AssertFailedException("LstmAe.sln not found");
        string limits = File.ReadAllText(Path.Combine(folder.FullName, "docs", "limits.md"));

        foreach (string quoted in new[]
        {
            $"values nested {PickleMachine.MaxDepth} deep (`PickleMachine.MaxDepth`)",
            $"{PowerOfTwo(PickleMachine.MaxObjects)} tuples, lists, dicts and calls built (`PickleMachine.MaxObjects`)",
            $"{PowerOfTwo(PickleMachine.MaxItems)} values put in them (`PickleMachine.MaxItems`)",
            $"{PowerOfTwo(PickleMachine.MaxStack)} on the stack (`PickleMachine.MaxStack`)",
            $"{PowerOfTwo(PickleMachine.MaxMemo)} memo entries (`PickleMachine.MaxMemo`)",
            $"names of {PickleMachine.MaxNameChars} characters (`PickleMachine.MaxNameChars`)",
        })
        {
            StringAssert.Contains(limits, quoted);
        }

        static string PowerOfTwo(int value) => $"2^{System.Numerics.BitOperations.Log2((uint)value)}";
    }

    /// <summary>Loads <paramref name="pickle"/> as a state_dict and returns the message it is refused with, which must
    /// name the file and be short whatever the pickle holds.</summary>
    private static string Refused(byte[] pickle)
    {
        using var temp = new TempDirectory();
        string path = temp.Write("hostile.pt", CraftedStateDictTests.Zip([("archive/data.pkl", pickle)]));
        using var model = LstmAutoEncoder.Create(TinyModels.Options);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => model.LoadPyTorchStateDict(path));

        StringAssert.Contains(error.Message, path);
        Assert.IsLessThan(path.Length + 400, error.Message.Length, error.Message[..Math.Min(error.Message.Length, 1000)]);
        return error.Message;
    }

    private static byte[] Repeat(string unit, int count) =>
        Enumerable.Repeat(Latin1(unit), count).SelectMany(bytes => bytes).ToArray();

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>BINUNICODE: a string of any length.</summary>
    private static byte[] Unicode(string text) => [(byte)'X', .. BitConverter.GetBytes(Encoding.UTF8.GetByteCount(text)), .. Encoding.UTF8.GetBytes(text)];
}
