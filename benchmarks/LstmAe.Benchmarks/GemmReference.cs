using System.Diagnostics;
using static TorchSharp.torch;

namespace LstmAe.Benchmarks;

/// <summary>
/// This machine's GEMM speed at the model's own product shapes, measured in the run that uses it: each shape the
/// best of several timings (the least disturbed by other work on a shared machine), each timing long enough to
/// dwarf the clock's resolution. A step whose products took their measured time and nothing else would run at
/// <see cref="Seconds"/>.
/// </summary>
public sealed class GemmReference(Device device, int repetitions)
{
    /// <summary>A timing lasts at least this long (products repeated until it does).</summary>
    private static readonly TimeSpan MinimumTiming = TimeSpan.FromMilliseconds(20);

    private readonly Dictionary<(long M, long N, long K, ScalarType Type), double> _seconds = [];

    /// <summary>Seconds <paramref name="products"/> take as bare <c>torch.matmul</c> calls on contiguous operands of
    /// <paramref name="type"/>: the sum over shapes of count x best time.</summary>
    public double Seconds(IEnumerable<MatrixProduct> products, ScalarType type) =>
        products.Sum(p => p.Count * BestSeconds(p.M, p.N, p.K, type));

    private double BestSeconds(long m, long n, long k, ScalarType type)
    {
        if (_seconds.TryGetValue((m, n, k, type), out double known)) return known;
        using var scope = NewDisposeScope();
        Tensor a = rand(m, k, device: device).to(type), b = rand(k, n, device: device).to(type);
        matmul(a, b).Dispose();
        Synchronize();
        double best = double.PositiveInfinity;
        int inner = 1;
        for (int r = 0; r < repetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < inner; i++) matmul(a, b).Dispose();
            Synchronize();
            TimeSpan elapsed = clock.Elapsed;
            best = Math.Min(best, elapsed.TotalSeconds / inner);
            if (elapsed < MinimumTiming) inner = (int)Math.Min(1 << 16, inner * Math.Ceiling(MinimumTiming / (elapsed + TimeSpan.FromTicks(1))));
        }
        _seconds[(m, n, k, type)] = best;
        return best;
    }

    private void Synchronize()
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(device);
    }
}
