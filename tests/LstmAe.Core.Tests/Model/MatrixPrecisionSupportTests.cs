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
    [DataRow(MatrixPrecision.BFloat16, true, MatrixPrecision.BFloat16)]
    [DataRow(MatrixPrecision.BFloat16, false, MatrixPrecision.Float32)]
    [DataRow(MatrixPrecision.Float32, true, MatrixPrecision.Float32)]
    [DataRow(MatrixPrecision.Float32, false, MatrixPrecision.Float32)]
    public void SavedBFloat16RunsInFloat32OnlyWhereItWouldBeEmulated(MatrixPrecision saved, bool native, MatrixPrecision expected) =>
        Assert.AreEqual(expected, MatrixPrecisionSupport.ForCpu(saved, native));
}
