using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LstmAe.Interop;

/// <summary>
/// Writes host floats straight into a contiguous CPU float32 tensor's memory. TorchSharp exposes that memory as one
/// <see cref="Span{T}"/> of bytes, whose length is an int, so a tensor over 2 GiB cannot be reached in one span: the
/// copy goes through views of at most <see cref="DefaultPiece"/> floats.
/// </summary>
internal static class TensorSpans
{
    /// <summary>Floats per span: 1 GiB, well inside a span's reach.</summary>
    public const int DefaultPiece = 1 << 28;

    /// <summary>Copies <paramref name="source"/> into the 1-D view <paramref name="flat"/> (a CPU float32 tensor
    /// reshaped to one dimension) from element <paramref name="offset"/> on.</summary>
    /// <param name="flat">Where to write: contiguous, float32, on the CPU.</param>
    /// <param name="offset">The first element written.</param>
    /// <param name="source">The values.</param>
    /// <param name="piece">Floats per span (tests make it small).</param>
    public static void CopyInto(Tensor flat, long offset, ReadOnlySpan<float> source, int piece = DefaultPiece)
    {
        for (int start = 0; start < source.Length; start += piece)
        {
            int count = Math.Min(piece, source.Length - start);
            using Tensor part = flat.narrow(0, offset + start, count);
            source.Slice(start, count).CopyTo(MemoryMarshal.Cast<byte, float>(part.bytes));
        }
    }
}
