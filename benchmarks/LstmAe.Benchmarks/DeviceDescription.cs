using System.Diagnostics;

namespace LstmAe.Benchmarks;

/// <summary>Names the device figures were measured on: the CPU, or the GPU as <c>nvidia-smi</c> names it (TorchSharp
/// 0.107 exposes no device name).</summary>
internal static class DeviceDescription
{
    /// <summary>"cpu", or the CUDA device with the GPU's name, driver and memory where nvidia-smi answers.</summary>
    public static string Of(string device)
    {
        if (!device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase)) return $"{device} ({Environment.ProcessorCount} logical cores)";
        string index = device.Contains(':', StringComparison.Ordinal) ? device[(device.IndexOf(':', StringComparison.Ordinal) + 1)..] : "0";
        return $"{device}: {NvidiaSmi(index) ?? "GPU name unknown (nvidia-smi did not answer)"}";
    }

    private static string? NvidiaSmi(string index)
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", ["-i", index, "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using Process? process = Process.Start(start);
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd().Trim();
            return process.WaitForExit(10_000) && process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
