using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// Saved models whose options were edited (the checksum recomputed, as anyone can): the options must be checked
/// against the limits and the payload before a model or any large buffer is created.
/// </summary>
[TestClass]
public sealed class CraftedModelTests
{
    // Far below what the crafted options describe; far above what reading a tiny file needs.
    private const long AllocationBudget = 32 << 20;

    // Magic (8 bytes), version (4), payload length (8), SHA-256 (32).
    private const int HeaderLength = 12 + sizeof(long) + 32;

    [TestMethod]
    public void TheLayoutComputedFromOptionsIsTheModulesStateDict()
    {
        foreach (var options in new[]
        {
            TinyModels.Options,
            TinyModels.Options with { Layers = 1, Mode = AutoEncoderMode.ReconstructionOnly },
            TinyModels.Options with { Layers = 3, Mode = AutoEncoderMode.PredictionOnly, FrameWidth = 5 },
        })
        {
            using var model = LstmAutoEncoder.Create(options);
            var actual = model.Module.state_dict().Select(p => $"{p.Key} [{string.Join(", ", p.Value.shape)}]");
            var computed = ModelStateLayout.Of(options).Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]");

            CollectionAssert.AreEqual(actual.ToArray(), computed.ToArray(), options.ToJson());
            Assert.AreEqual((long)ModelStateLayout.ParameterCount(options), model.Module.parameters().Sum(p => p.numel()));
        }
    }

    [TestMethod]
    public void AFrameSizeThatOverflowsAnIntIsRefusedNotWrapped()
    {
        // 65536 x 65537 wraps to 65536 in int arithmetic, which built a 65536-pixel model.
        var options = TinyModels.Options with { FrameHeight = 65536, FrameWidth = 65537 };

        var error = Assert.ThrowsExactly<ArgumentException>(options.Validate);

        StringAssert.Contains(error.Message, "FrameHeight x FrameWidth = 65536 x 65537 = 4295032832 pixels");
        Assert.ThrowsExactly<OverflowException>(() => _ = options.FrameSize);
    }

    [TestMethod]
    public void CreatingAModelAboveTheParameterLimitIsRefusedBeforeAllocating()
    {
        var options = TinyModels.Options with { HiddenSize = 1 << 20 };

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<ArgumentException>(() => LstmAutoEncoder.Create(options));

        StringAssert.Contains(error.Message, "ModelSizeLimits.MaxParameterCount");
        Assert.IsLessThan(AllocationBudget, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void ASmallFileDeclaringAHugeHiddenSizeIsInvalidData()
    {
        byte[] file = Edited(options => options["HiddenSize"] = 1 << 20);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new MemoryStream(file)));

        StringAssert.Contains(error.Message, "HiddenSize 1048576");
        StringAssert.Contains(error.Message, "MaxParameterCount");
    }

    [TestMethod]
    public void AnEditedHiddenSizeIsRefusedByTheFirstTensorBeforeTheModelIsBuilt()
    {
        // Within the limits (about 40 million weights), so only comparing the options with the payload catches it.
        byte[] file = Edited(options => options["HiddenSize"] = 1024);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new MemoryStream(file)));

        StringAssert.Contains(error.Message, "tensor encoder.lstm.weight_ih_l0 of shape [64, 16]; its options imply [4096, 16]");
        Assert.IsLessThan(AllocationBudget, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void ADeclaredPayloadLongerThanTheOptionsImplyIsRefusedBeforeItIsRead()
    {
        // Only the header and the options: an unseekable stream (a zip entry) cannot tell how much follows.
        byte[] saved = Saved(TinyModels.Options);
        int prefix = HeaderLength + 2 + TinyModels.Options.ToJson().Length;
        byte[] crafted = saved[..prefix];
        BitConverter.GetBytes(1L << 30).CopyTo(crafted, 12);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new UnseekableStream(crafted)));

        StringAssert.Contains(error.Message, "declares a payload of 1073741824 bytes; its options");
        Assert.IsLessThan(AllocationBudget, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void OptionsJsonLongerThanTheLimitIsInvalidData()
    {
        byte[] file = Edited(options => options["Padding"] = new string(' ', ModelSizeLimits.MaxOptionsJsonBytes));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => LstmAutoEncoder.Load(new MemoryStream(file)));

        StringAssert.Contains(error.Message, $"at most {ModelSizeLimits.MaxOptionsJsonBytes} are allowed");
    }

    [TestMethod]
    public void MutatedPayloadsWithValidChecksumsLoadOrFailAsInvalidDataOnly()
    {
        byte[] saved = Saved(TinyModels.Options);
        // The options JSON and the tensor headers after it, where a mutation changes sizes rather than values.
        int interesting = Math.Min(saved.Length - HeaderLength, 2048);
        var random = new Random(9);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] body = saved[HeaderLength..];
            for (int flips = random.Next(1, 4); flips > 0; flips--) body[random.Next(interesting)] = (byte)random.Next(256);
            if (random.Next(8) == 0) body = body[..random.Next(body.Length)];
            byte[] file = [.. saved[..12], .. BitConverter.GetBytes((long)body.Length), .. SHA256.HashData(body), .. body];
            try
            {
                LstmAutoEncoder.Load(new MemoryStream(file)).Dispose();
            }
            catch (InvalidDataException)
            {
                // The only acceptable failure.
            }
        }
    }

    /// <summary>A saved tiny model whose options JSON <paramref name="edit"/> changed, with a valid checksum.</summary>
    private static byte[] Edited(Action<JsonObject> edit)
    {
        byte[] saved = Saved(TinyModels.Options);
        using var reader = new BinaryReader(new MemoryStream(saved[HeaderLength..]), Encoding.UTF8);
        var json = JsonNode.Parse(reader.ReadString())!.AsObject();
        byte[] tensors = saved[(HeaderLength + (int)reader.BaseStream.Position)..];
        edit(json);
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true)) writer.Write(json.ToJsonString());
        payload.Write(tensors);
        byte[] body = payload.ToArray();
        return [.. saved[..12], .. BitConverter.GetBytes((long)body.Length), .. SHA256.HashData(body), .. body];
    }

    private static byte[] Saved(LstmAutoEncoderModelOptions options)
    {
        using var model = LstmAutoEncoder.Create(options);
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
