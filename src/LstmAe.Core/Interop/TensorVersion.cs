using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Interop;

/// <summary>
/// libtorch's version counter of a tensor: a number every in-place write to its storage raises (an optimizer step,
/// <c>copy_</c>, <c>add_</c>, with or without gradients recording), what autograd checks saved tensors against.
/// TorchSharp 0.107 does not bind it; a TorchScript function compiled once reads it. Writes through a tensor's memory
/// from .NET (<c>tensor.bytes</c>) do not raise it: code that writes so calls <see cref="MarkWritten(Tensor)"/>.
/// </summary>
internal static class TensorVersion
{
    private static readonly Lazy<jit.CompilationUnit> Unit = new(() => jit.compile("""
        def version(x: Tensor) -> int:
            if x.is_inference():
                return -1
            return x._version()

        """));

    /// <summary>The version of <paramref name="tensor"/>, or null for a tensor that has none (one made under
    /// inference mode).</summary>
    public static long? Of(Tensor tensor)
    {
        using var version = (Scalar)Unit.Value.invoke("version", tensor)!;
        // The call holds only the handle.
        GC.KeepAlive(tensor);
        long value = version.ToInt64();
        return value >= 0 ? value : null;
    }

    /// <summary>Raises the version of <paramref name="tensor"/> after a write libtorch did not see. A copy onto itself
    /// is an in-place operation that moves no data.</summary>
    public static void MarkWritten(Tensor tensor)
    {
        using var noGrad = no_grad();
        tensor.copy_(tensor);
    }

    /// <summary><see cref="MarkWritten(Tensor)"/> for every parameter of <paramref name="module"/> after TorchSharp's
    /// <c>load</c>, which writes CPU weights through their memory.</summary>
    /// <returns><paramref name="loaded"/>, what <c>load</c> returned.</returns>
    public static nn.Module MarkLoaded(nn.Module module, nn.Module loaded)
    {
        foreach (Tensor parameter in module.parameters()) MarkWritten(parameter);
        return loaded;
    }
}
