using System.Numerics;
using System.Runtime.InteropServices;
using LstmAe.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Training.Optimizers;

/// <summary>
/// One Adam update of a CPU float32 parameter in a single pass over its four buffers (parameter, gradient, first and
/// second moment), instead of the eight tensor operations of the unfused form, each a full pass over memory
/// (docs/performance.md has what that cost).
/// </summary>
/// <remarks>
/// The arithmetic is libtorch's for the unfused operations, operation by operation (the same roundings, and fused
/// multiply-adds where its vectorised <c>add_</c> and <c>addcmul_</c> use them), but the square root here is
/// correctly rounded, while libtorch's vectorised one can be 1 ulp off (and its scalar paths round as its compiler
/// chose). Results therefore equal TorchSharp's Adam to float rounding, not bit for bit, and are the same on every
/// CPU. Chunks run in parallel on libtorch's thread
/// count; each element's update is independent of the others, so the result does not depend on the split.
/// </remarks>
internal static class FusedAdamKernel
{
    /// <summary>Floats per parallel work item: large enough to amortise scheduling, small enough to balance.</summary>
    private const int ChunkLength = 1 << 16;

    /// <summary>The scalars of one update, as float32, the type libtorch converts them to for float32 tensors.</summary>
    /// <param name="Beta1">β₁.</param>
    /// <param name="OneMinusBeta1">1 − β₁.</param>
    /// <param name="Beta2">β₂.</param>
    /// <param name="OneMinusBeta2">1 − β₂.</param>
    /// <param name="BiasCorrection2Root">√(1 − β₂ᵗ).</param>
    /// <param name="Epsilon">ε.</param>
    /// <param name="NegativeStepSize">−lr / (1 − β₁ᵗ).</param>
    public readonly record struct Factors(
        float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float BiasCorrection2Root, float Epsilon,
        float NegativeStepSize);

    /// <summary>True when every buffer is a contiguous float32 CPU tensor of the same length that a span can cover.</summary>
    public static bool Supports(Tensor parameter, Tensor gradient, Tensor average, Tensor squaredAverage)
    {
        Tensor[] buffers = [parameter, gradient, average, squaredAverage];
        long length = parameter.numel();
        return length <= int.MaxValue / sizeof(float) && buffers.All(buffer =>
            buffer.device_type == DeviceType.CPU && buffer.dtype == ScalarType.Float32 && buffer.is_contiguous()
            && buffer.numel() == length);
    }

    /// <summary>Updates <paramref name="parameter"/>, <paramref name="average"/> and <paramref name="squaredAverage"/>
    /// in place, raising the parameter's libtorch version as an in-place operation would; the caller has checked
    /// <see cref="Supports"/>.</summary>
    public static void Step(Tensor parameter, Tensor gradient, Tensor average, Tensor squaredAverage, Factors factors)
    {
        int length = (int)parameter.numel();
        int chunks = (length + ChunkLength - 1) / ChunkLength;
        try
        {
            if (chunks <= 1)
            {
                Update(parameter, gradient, average, squaredAverage, 0, length, factors);
                return;
            }
            var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) };
            Parallel.For(0, chunks, options, chunk =>
            {
                int start = chunk * ChunkLength;
                Update(parameter, gradient, average, squaredAverage, start, Math.Min(ChunkLength, length - start), factors);
            });
        }
        finally
        {
            // The writes went through .NET spans, which libtorch does not see; inference's weight casts
            // (WeightOperandCache) go by the version.
            TensorVersion.MarkWritten(parameter);
        }
    }

    private static void Update(
        Tensor parameterTensor, Tensor gradientTensor, Tensor averageTensor, Tensor squaredAverageTensor,
        int start, int length, Factors f)
    {
        Span<float> parameter = Floats(parameterTensor).Slice(start, length);
        ReadOnlySpan<float> gradient = Floats(gradientTensor).Slice(start, length);
        Span<float> average = Floats(averageTensor).Slice(start, length);
        Span<float> squaredAverage = Floats(squaredAverageTensor).Slice(start, length);

        int vectorEnd = length - length % Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            var beta1 = new Vector<float>(f.Beta1);
            var oneMinusBeta1 = new Vector<float>(f.OneMinusBeta1);
            var beta2 = new Vector<float>(f.Beta2);
            var oneMinusBeta2 = new Vector<float>(f.OneMinusBeta2);
            var biasCorrection2Root = new Vector<float>(f.BiasCorrection2Root);
            var epsilon = new Vector<float>(f.Epsilon);
            var negativeStepSize = new Vector<float>(f.NegativeStepSize);
            Span<Vector<float>> parameters = MemoryMarshal.Cast<float, Vector<float>>(parameter[..vectorEnd]);
            ReadOnlySpan<Vector<float>> gradients = MemoryMarshal.Cast<float, Vector<float>>(gradient[..vectorEnd]);
            Span<Vector<float>> averages = MemoryMarshal.Cast<float, Vector<float>>(average[..vectorEnd]);
            Span<Vector<float>> squaredAverages = MemoryMarshal.Cast<float, Vector<float>>(squaredAverage[..vectorEnd]);
            for (int i = 0; i < parameters.Length; i++)
            {
                Vector<float> g = gradients[i];
                // average.mul_(β₁).add_(g, 1 − β₁): libtorch's scaled add is a fused multiply-add.
                Vector<float> m = Vector.FusedMultiplyAdd(g, oneMinusBeta1, averages[i] * beta1);
                // squaredAverage.mul_(β₂).addcmul_(g, g, 1 − β₂): ((1 − β₂) g) g + v, one fused multiply-add.
                Vector<float> v = Vector.FusedMultiplyAdd(oneMinusBeta2 * g, g, squaredAverages[i] * beta2);
                // sqrt(v).div_(√(1 − β₂ᵗ)).add_(ε), then parameter.addcdiv_(m, denominator, step): p + (step m) / d.
                Vector<float> denominator = Vector.SquareRoot(v) / biasCorrection2Root + epsilon;
                parameters[i] += negativeStepSize * m / denominator;
                averages[i] = m;
                squaredAverages[i] = v;
            }
        }
        else
        {
            vectorEnd = 0;
        }
        for (int i = vectorEnd; i < length; i++)
        {
            float g = gradient[i];
            float m = MathF.FusedMultiplyAdd(g, f.OneMinusBeta1, average[i] * f.Beta1);
            float v = MathF.FusedMultiplyAdd(f.OneMinusBeta2 * g, g, squaredAverage[i] * f.Beta2);
            float denominator = MathF.Sqrt(v) / f.BiasCorrection2Root + f.Epsilon;
            parameter[i] += f.NegativeStepSize * m / denominator;
            average[i] = m;
            squaredAverage[i] = v;
        }
    }

    /// <summary>The tensor's memory as floats; valid while the tensor lives.</summary>
    private static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);
}
