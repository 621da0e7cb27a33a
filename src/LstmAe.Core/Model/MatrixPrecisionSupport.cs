using System.Runtime.InteropServices;

namespace LstmAe.Model;

/// <summary>
/// Whether this CPU multiplies <c>bfloat16</c> natively, which decides whether <see cref="MatrixPrecision.BFloat16"/>
/// is a speed-up (docs/performance.md) or a slow-down (elsewhere the products are emulated).
/// </summary>
public static class MatrixPrecisionSupport
{
    // Linux /proc/cpuinfo flags of the instructions oneDNN uses for bf16 products (Intel Cooper Lake and later, AMD Zen 4
    // and later). .NET exposes no intrinsic class for them.
    private static readonly string[] NativeBFloat16Flags = ["avx512_bf16", "amx_bf16"];

    private static readonly Lazy<bool> HasNativeBFloat16 = new(DetectNativeBFloat16);

    /// <summary>
    /// True when the CPU has native bf16 products. Known on Linux x64 (from <c>/proc/cpuinfo</c>); false elsewhere,
    /// where <see cref="MatrixPrecision.BFloat16"/> may still be chosen by hand and timed with the benchmark program.
    /// </summary>
    public static bool NativeBFloat16 => HasNativeBFloat16.Value;

    /// <summary>The faster precision on this CPU: <see cref="MatrixPrecision.BFloat16"/> where it is native, else
    /// <see cref="MatrixPrecision.Float32"/>.</summary>
    public static MatrixPrecision Fastest => NativeBFloat16 ? MatrixPrecision.BFloat16 : MatrixPrecision.Float32;

    /// <summary>
    /// The precision to run a model saved with <paramref name="saved"/> in on this CPU: bf16 products are a speed
    /// choice, so where they would be emulated (slower) the model runs in float32, which is also exact.
    /// </summary>
    /// <param name="saved">The precision the model was trained or saved with.</param>
    public static MatrixPrecision ForThisCpu(MatrixPrecision saved) => ForCpu(saved, NativeBFloat16);

    /// <summary><see cref="ForThisCpu"/> for a CPU with or without native bf16.</summary>
    internal static MatrixPrecision ForCpu(MatrixPrecision saved, bool nativeBFloat16) =>
        saved == MatrixPrecision.BFloat16 && !nativeBFloat16 ? MatrixPrecision.Float32 : saved;

    /// <summary>True when a <c>flags</c> line of <c>/proc/cpuinfo</c> names a native bf16 instruction set.</summary>
    /// <param name="cpuInfo">The text of <c>/proc/cpuinfo</c>.</param>
    internal static bool CpuInfoHasNativeBFloat16(string cpuInfo) =>
        cpuInfo.Split('\n')
            .Where(line => line.StartsWith("flags", StringComparison.Ordinal))
            .SelectMany(line => line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(flag => NativeBFloat16Flags.Contains(flag, StringComparer.Ordinal));

    private static bool DetectNativeBFloat16()
    {
        const string CpuInfoPath = "/proc/cpuinfo";
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return false;
        try
        {
            return CpuInfoHasNativeBFloat16(File.ReadAllText(CpuInfoPath));
        }
        catch (IOException)
        {
            return false; // a sandbox without /proc: assume no native bf16, the safe choice
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
