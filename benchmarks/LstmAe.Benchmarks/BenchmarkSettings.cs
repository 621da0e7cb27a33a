namespace LstmAe.Benchmarks;

/// <summary>What the command line asks of every suite.</summary>
/// <param name="Quick">Fewer iterations and smaller sizes, for a smoke run.</param>
/// <param name="Device">Where models run: "cpu" or a CUDA device that is present (Program resolves a requested
/// CUDA device to "cpu", with a warning, where CUDA is unavailable).</param>
public sealed record BenchmarkSettings(bool Quick, string Device)
{
    /// <summary>True when <see cref="Device"/> is a CUDA device.</summary>
    public bool OnCuda => Device.StartsWith("cuda", StringComparison.OrdinalIgnoreCase);
}
