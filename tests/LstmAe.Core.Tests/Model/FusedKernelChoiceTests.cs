using LstmAe.Model;
using TorchSharp;

namespace LstmAe.Core.Tests.Model;

/// <summary>Which LSTMs cuDNN's fused kernel runs: a pure function of device, product format and use, so the CUDA
/// path's choice is tested without a GPU.</summary>
[TestClass]
public sealed class FusedKernelChoiceTests
{
    [TestMethod]
    [DataRow(nameof(LstmUse.Encoder), true)]
    [DataRow(nameof(LstmUse.UnconditionedDecoder), true)]
    [DataRow(nameof(LstmUse.TeacherForcedDecoder), true)]
    [DataRow(nameof(LstmUse.FeedbackDecoder), false)]
    public void OnCudaFloat32EveryLstmWithKnownInputsIsFused(string use, bool fused) =>
        Assert.AreEqual(fused, StackedLstmShape.UsesFusedKernel(DeviceType.CUDA, MatrixPrecision.Float32, Enum.Parse<LstmUse>(use)));

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void TheCpuAndBFloat16ProductsAlwaysUseTheRunner(bool cudnnForFeedbackDecoders)
    {
        CudaLstmSettings.CudnnForFeedbackDecoders = cudnnForFeedbackDecoders;
        try
        {
            foreach (LstmUse use in Enum.GetValues<LstmUse>())
            {
                Assert.IsFalse(StackedLstmShape.UsesFusedKernel(DeviceType.CPU, MatrixPrecision.Float32, use), $"CPU {use}");
                Assert.IsFalse(StackedLstmShape.UsesFusedKernel(DeviceType.CPU, MatrixPrecision.BFloat16, use), $"CPU bf16 {use}");
                Assert.IsFalse(StackedLstmShape.UsesFusedKernel(DeviceType.CUDA, MatrixPrecision.BFloat16, use), $"CUDA bf16 {use}");
            }
        }
        finally
        {
            CudaLstmSettings.CudnnForFeedbackDecoders = false;
        }
    }

    /// <summary>The process-wide switch moves only the CUDA float32 feedback decoder to cuDNN.</summary>
    [TestMethod]
    public void TheSwitchSendsFeedbackDecodersToCudnnOnCuda()
    {
        Assert.IsFalse(CudaLstmSettings.CudnnForFeedbackDecoders, "off by default");
        CudaLstmSettings.CudnnForFeedbackDecoders = true;
        try
        {
            foreach (LstmUse use in Enum.GetValues<LstmUse>())
                Assert.IsTrue(StackedLstmShape.UsesFusedKernel(DeviceType.CUDA, MatrixPrecision.Float32, use), $"CUDA {use}");
        }
        finally
        {
            CudaLstmSettings.CudnnForFeedbackDecoders = false;
        }
    }

    /// <summary>The bfloat16 switch moves a CUDA bfloat16 model's LSTMs with known inputs to cuDNN, never on the CPU;
    /// a feedback decoder stays on the runner in bfloat16 whatever its own switch says (each one-step call would
    /// copy every weight).</summary>
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void TheBFloat16SwitchSendsCudaBFloat16ToCudnn(bool feedbackToo)
    {
        CudaLstmSettings.CudnnForBFloat16 = true;
        CudaLstmSettings.CudnnForFeedbackDecoders = feedbackToo;
        try
        {
            foreach (LstmUse use in Enum.GetValues<LstmUse>())
            {
                bool expected = use != LstmUse.FeedbackDecoder;
                Assert.AreEqual(expected, StackedLstmShape.UsesFusedKernel(DeviceType.CUDA, MatrixPrecision.BFloat16, use), $"CUDA bf16 {use}");
                Assert.IsFalse(StackedLstmShape.UsesFusedKernel(DeviceType.CPU, MatrixPrecision.BFloat16, use), $"CPU bf16 {use}");
            }
        }
        finally
        {
            CudaLstmSettings.CudnnForBFloat16 = false;
            CudaLstmSettings.CudnnForFeedbackDecoders = false;
        }
    }
}
