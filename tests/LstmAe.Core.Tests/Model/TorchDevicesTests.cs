using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

/// <summary>Device names: unknown ones are refused naming the value and the accepted ones, and a CUDA device
/// without CUDA resolves to the CPU with a warning.</summary>
[TestClass]
public sealed class TorchDevicesTests
{
    [TestMethod]
    [DataRow("cpu", true)]
    [DataRow("CUDA", true)]
    [DataRow("cuda:1", true)]
    [DataRow("tpu:7", false)]
    [DataRow("cuda:x", false)]
    [DataRow("cuda:1:2", false)]
    [DataRow("cuda:-1", false)]
    [DataRow("", false)]
    public void KnownNames(string device, bool known) => Assert.AreEqual(known, TorchDevices.IsKnown(device));

    [TestMethod]
    public void CreateRefusesAnUnknownDeviceNamingItAndTheAcceptedOnes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => LstmAutoEncoder.Create(TinyModels.Options, device: "tpu:7"));

        Assert.AreEqual("device", e.ParamName);
        StringAssert.StartsWith(e.Message, "device is 'tpu:7'; the devices are \"cpu\", \"cuda\" (the first GPU) and \"cuda:N\"");
    }

    [TestMethod]
    public void LoadRefusesAnUnknownDeviceBeforeReadingTheStream()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;

        var e = Assert.ThrowsExactly<ArgumentException>(() => LstmAutoEncoder.Load(stream, device: "gpu"));

        StringAssert.StartsWith(e.Message, "device is 'gpu'; the devices are");
        Assert.AreEqual(0, stream.Position, "Nothing may be read.");
    }

    [TestMethod]
    public void CudaWithoutCudaResolvesToTheCpuWithAWarning()
    {
        Assert.AreEqual("cpu", TorchDevices.Resolve("cuda:1", "loading the model", cudaAvailable: false, out string? warning));
        Assert.AreEqual("Device 'cuda:1' requested but CUDA is not available; loading the model on the CPU.", warning);

        Assert.AreEqual("cuda:1", TorchDevices.Resolve("cuda:1", "training", cudaAvailable: true, out warning));
        Assert.IsNull(warning);
        Assert.AreEqual("cpu", TorchDevices.Resolve("cpu", "training", cudaAvailable: false, out warning));
        Assert.IsNull(warning);
    }

    [TestMethod]
    public void ResolveRefusesAnUnknownDevice()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => TorchDevices.Resolve("tpu", "training", out _));

        StringAssert.Contains(e.Message, "'tpu'; the devices are \"cpu\", \"cuda\" (the first GPU, or the CPU with a warning when CUDA is unavailable)");
    }
}
