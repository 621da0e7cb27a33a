using LstmAe.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet.Tests;

/// <summary>
/// The load device given per MLContext at registration: validated, copied, kept by later registrations without
/// options, and on a machine without CUDA a CUDA device loads on the CPU with a warning in that context's log.
/// </summary>
[TestClass]
public sealed class LoadDeviceTests
{
    private static byte[] s_savedZip = null!;

    [ClassInitialize]
    public static void FitAndSaveOnce(TestContext _)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = TinySequences.Load(ml, 4);
        using LstmAutoEncoderTransformer transformer = TinySequences.Fit(ml, count: 4);
        using var zip = new MemoryStream();
        ml.Model.Save(transformer, data.Schema, zip);
        s_savedZip = zip.ToArray();
    }

    [TestMethod]
    public void CudaWithoutCudaLoadsOnTheCpuWithAWarning()
    {
        RequireNoCuda();
        var (ml, warnings) = Context();
        ml.ComponentCatalog.RegisterLstmAutoEncoder(new LstmAutoEncoderLoadOptions { Device = "cuda" });

        using LstmAutoEncoderTransformer loaded = Load(ml);
        Assert.AreEqual(TorchSharp.DeviceType.CPU, loaded.Model.Device.type);
        CollectionAssert.Contains(warnings, "Device 'cuda' requested but CUDA is not available; loading the model on the CPU.");
    }

    [TestMethod]
    public void TheCpuDeviceLoadsWithoutAWarning()
    {
        var (ml, warnings) = Context();
        ml.ComponentCatalog.RegisterLstmAutoEncoder(new LstmAutoEncoderLoadOptions { Device = "cpu" });

        using LstmAutoEncoderTransformer loaded = Load(ml);
        Assert.AreEqual(TorchSharp.DeviceType.CPU, loaded.Model.Device.type);
        Assert.IsEmpty(warnings);
    }

    [TestMethod]
    public void TheDeviceBelongsToOneContextAndSurvivesLaterRegistrations()
    {
        RequireNoCuda();
        var (cuda, cudaWarnings) = Context();
        var (plain, plainWarnings) = Context();
        var options = new LstmAutoEncoderLoadOptions { Device = "cuda:1" };
        cuda.ComponentCatalog.RegisterLstmAutoEncoder(options);
        options.Device = "tpu"; // copied at registration: no effect
        cuda.ComponentCatalog.RegisterLstmAutoEncoder();
        _ = cuda.Transforms.LstmAutoEncode(TinySequences.Options());
        plain.ComponentCatalog.RegisterLstmAutoEncoder();

        Load(cuda).Dispose();
        Load(plain).Dispose();

        Assert.IsTrue(cudaWarnings.Any(w => w.StartsWith("Device 'cuda:1' requested", StringComparison.Ordinal)), string.Join("\n", cudaWarnings));
        Assert.IsEmpty(plainWarnings);
    }

    [TestMethod]
    public void ALaterRegistrationWithOptionsReplacesTheDevice()
    {
        var (ml, warnings) = Context();
        ml.ComponentCatalog.RegisterLstmAutoEncoder(new LstmAutoEncoderLoadOptions { Device = "cuda" });
        ml.ComponentCatalog.RegisterLstmAutoEncoder(new LstmAutoEncoderLoadOptions { Device = "cpu" });

        using LstmAutoEncoderTransformer loaded = Load(ml);
        Assert.AreEqual(TorchSharp.DeviceType.CPU, loaded.Model.Device.type);
        Assert.IsEmpty(warnings);
    }

    [TestMethod]
    [DataRow("tpu:7")]
    [DataRow("cuda:x")]
    [DataRow("")]
    public void AnUnknownDeviceIsRefusedAtRegistration(string device)
    {
        var ml = new MLContext(seed: 1);

        var e = Assert.ThrowsExactly<ArgumentException>(
            () => ml.ComponentCatalog.RegisterLstmAutoEncoder(new LstmAutoEncoderLoadOptions { Device = device }));

        Assert.AreEqual("options.Device", e.ParamName);
        StringAssert.StartsWith(e.Message, $"options.Device is '{device}'; the devices are \"cpu\", \"cuda\"");
    }

    [TestMethod]
    public void NullOptionsAreRefused() =>
        Assert.ThrowsExactly<ArgumentNullException>(() => new MLContext(seed: 1).ComponentCatalog.RegisterLstmAutoEncoder(null!));

    private static void RequireNoCuda()
    {
        if (TorchSharp.torch.cuda.is_available())
            Assert.Inconclusive("CUDA is available here; the fallback cannot happen.");
    }

    private static (MLContext Ml, List<string> Warnings) Context()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };
        return (ml, warnings);
    }

    /// <summary>Loads the saved transformer, for the caller to dispose.</summary>
    private static LstmAutoEncoderTransformer Load(MLContext ml) =>
        (LstmAutoEncoderTransformer)ml.Model.Load(new MemoryStream(s_savedZip), out _);
}
