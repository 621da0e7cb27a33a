using System.Runtime.InteropServices;
using LstmAe.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Training.Optimizers;

/// <summary>
/// One Adam update of many tensors in a single libtorch call: its own fused optimizer kernel
/// (<c>torch._fused_adam_</c>, what PyTorch's <c>Adam(fused=True)</c> runs), which on CUDA updates every tensor
/// in a few multi-tensor launches instead of eight launches per tensor. TorchSharp 0.107 binds neither that
/// operation nor the <c>_foreach</c> ones, so the call goes through a TorchScript function compiled once per
/// process; where the loaded libtorch cannot compile it, <see cref="IsAvailable"/> is false and Adam keeps its
/// per-tensor operations.
/// </summary>
/// <remarks>
/// The kernel's arithmetic is Adam's formula in float32 with its own order of operations, so results equal the
/// per-tensor form to float rounding. Step counts are float32 tensors on the parameters' device, as PyTorch keeps
/// them; the function adds one to each before the update, so no host value crosses per step. The fused kernel does not
/// raise the parameters' libtorch versions, which inference's weight casts go by; a copy of each onto itself (no data
/// moves) does.
/// </remarks>
internal static class MultiTensorAdam
{
    private const string Script = """
        def adam(parameters: List[Tensor], gradients: List[Tensor], averages: List[Tensor], squared_averages: List[Tensor],
                 steps: List[Tensor], lr: float, beta1: float, beta2: float, eps: float):
            torch._foreach_add_(steps, 1.0)
            torch._fused_adam_(parameters, gradients, averages, squared_averages, [], steps, lr=lr, beta1=beta1,
                               beta2=beta2, weight_decay=0.0, eps=eps, amsgrad=False, maximize=False)
            for parameter in parameters:
                parameter.copy_(parameter)
        """;

    private static readonly Lazy<jit.CompilationUnit?> Compiled = new(Compile);

    /// <summary>True where the loaded libtorch compiles the update (libtorch 2.x).</summary>
    public static bool IsAvailable => Compiled.Value is not null;

    /// <summary>
    /// Adds one to each step count and updates each parameter, first moment and second moment in place. All
    /// tensors are on one device and of one floating type; lists are parallel.
    /// </summary>
    /// <remarks>
    /// The numbers are <see cref="Scalar"/>s the caller keeps alive: TorchSharp would turn a <c>double</c> into a
    /// temporary scalar that a collection on another thread can free during the call.
    /// </remarks>
    public static void Step(
        Tensor[] parameters, Tensor[] gradients, Tensor[] averages, Tensor[] squaredAverages, Tensor[] steps,
        Scalar learningRate, Scalar beta1, Scalar beta2, Scalar epsilon)
    {
        jit.CompilationUnit unit = Compiled.Value
            ?? throw new InvalidOperationException("The multi-tensor Adam update is not available in this libtorch.");
        try
        {
            unit.invoke("adam", parameters, gradients, averages, squaredAverages, steps, learningRate, beta1, beta2, epsilon);
        }
        catch
        {
            // The update may have written some parameters before it failed.
            foreach (Tensor parameter in parameters) TensorVersion.MarkWritten(parameter);
            throw;
        }
        // The call holds only the handles: the tensor objects must outlive it.
        GC.KeepAlive(parameters);
        GC.KeepAlive(gradients);
        GC.KeepAlive(averages);
        GC.KeepAlive(squaredAverages);
        GC.KeepAlive(steps);
    }

    private static jit.CompilationUnit? Compile()
    {
        try
        {
            // TorchScript's parser fails an internal assertion on a function that does not end with a newline.
            return jit.compile(Script + "\n");
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
