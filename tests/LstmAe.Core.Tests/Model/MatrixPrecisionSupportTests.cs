using LstmAe.Model;

namespace LstmAe.Core.Tests.Model;

[TestClass]
public sealed class MatrixPrecisionSupportTests
{
    private const string CpuInfoHeader = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Example CPU\n";

    [TestMethod]
    [DataRow("fpu vme avx2 avx512f avx512_bf16 avx512_vnni", true)]
    [DataRow("fpu vme avx2 amx_bf16 amx_tile", true)]
    [DataRow("fpu vme avx2 avx512f avx512_vnni", false)]
    [DataRow("fpu vme avx512_bf16x", false)]
    public void ReadsTheFlagsLine(string flags, bool expected)
    {
        string cpuInfo = CpuInfoHeader + $"flags\t\t: {flags}\nbugs\t\t: spectre_v1\n";

        Assert.AreEqual(expected, MatrixPrecisionSupport.CpuInfoHasNativeBFloat16(cpuInfo));
    }

    [TestMethod]
    public void IgnoresFlagNamesOutsideTheFlagsLine()
    {
        string cpuInfo = CpuInfoHeader + "model name\t: avx512_bf16 lookalike\nflags\t\t: fpu avx2\n";

        Assert.IsFalse(MatrixPrecisionSupport.CpuInfoHasNativeBFloat16(cpuInfo));
    }

    [TestMethod]
    public void FastestIsBFloat16ExactlyWhenItIsNative() =>
        Assert.AreEqual(MatrixPrecisionSupport.NativeBFloat16 ? MatrixPrecision.BFloat16 : MatrixPrecision.Float32,
            MatrixPrecisionSupport.Fastest);
}
