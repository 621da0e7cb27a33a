using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LstmAe.Interop;

/// <summary>
/// Writes host floats straight into a contiguous CPU tensor's memory, float32 as they are or bfloat16 rounded as
/// libtorch's cast rounds (<see cref="BFloat16Rounding"/>). TorchSharp exposes that memory as one
/// <see cref="Span{T}"/> of bytes, whose length is an int, so a tensor over 2 GiB cannot be reached in one span: the
/// copy goes through views of at most <see cref="DefaultPiece"/> values.
/// </summary>
internal static class TensorSpans
{
    /// <summary>Values per span: at most 1 GiB, well inside a span's reach.</summary>
    public const int DefaultPiece = 1 << 28;

    /// <summary>Copies <paramref name="source"/> into the 1-D view <paramref name="flat"/> (a CPU float32 or bfloat16
    /// tensor reshaped to one dimension) from element <paramref name="offset"/> on.</summary>
    /// <param name="flat">Where to write: contiguous, float32 or bfloat16, on the CPU.</param>
    /// <param name="offset">The first element written.</param>
    /// <param name="source">The values.</param>
    /// <param name="piece">Values per span (tests make it small).</param>
    /// <exception cref="ArgumentException"><paramref name="flat"/> holds neither float32 nor bfloat16.</exception>
    public static void CopyInto(Tensor flat, long offset, ReadOnlySpan<float> source, int piece = DefaultPiece)
    {
        bool reduced = flat.dtype switch
        {
            ScalarType.Float32 => false,
            ScalarType.BFloat16 => true,
            _ => throw new ArgumentException($"Expected a float32 or bfloat16 tensor; got {flat.dtype}.", nameof(flat)),
        };
        for (int start = 0; start < source.Length; start += piece)
        {
            int count = Math.Min(piece, source.Length - start);
            using Tensor part = flat.narrow(0, offset + start, count);
            if (reduced)
                BFloat16Rounding.Round(source.Slice(start, count), MemoryMarshal.Cast<byte, ushort>(part.bytes));
            else
                source.Slice(start, count).CopyTo(MemoryMarshal.Cast<byte, float>(part.bytes));
        }
    }
}
