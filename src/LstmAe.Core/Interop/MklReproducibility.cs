using System.Runtime.InteropServices;
using TorchSharp;

namespace LstmAe.Interop;

/// <summary>
/// Puts MKL, which libtorch's CPU library uses for float32 matrix products, into its conditional numerical
/// reproducibility mode (CNR, the <c>AUTO</c> branch, as the environment variable <c>MKL_CBWR=AUTO</c> would).
/// </summary>
/// <remarks>
/// Without it MKL picks code paths by the operands' memory alignment, so the last bit of a product depends on where
/// its tensors happen to lie and on the thread count: a saved model and the same model loaded again, or two models
/// created from one seed, can then give outputs one float32 rounding apart. With it, one model's outputs are the
/// same bits in every instance. MKL accepts the mode only before its first product in the process: LstmAe asks
/// when its first model is created (<see cref="Model.LstmAutoEncoder.Create"/>). An application that runs libtorch
/// products of its own before that calls <see cref="Enable"/> first, or sets <c>MKL_CBWR=AUTO</c>. Where the user
/// already set <c>MKL_CBWR</c>, that setting stands. libtorch builds without MKL (macOS on ARM) have nothing to set.
/// The mode is requested through <c>mkl_serv_cbwr_set</c>, the function MKL's public <c>mkl_cbwr_set</c> forwards
/// to: libtorch exports only the former.
/// </remarks>
public static class MklReproducibility
{
    private const int CbwrAuto = 2; // MKL_CBWR_AUTO
    private const int CbwrSuccess = 0; // MKL_CBWR_SUCCESS
    private const string SetFunction = "mkl_serv_cbwr_set";
    private static readonly string[] TorchCpuLibraries = ["libtorch_cpu.so", "torch_cpu.dll", "libtorch_cpu.dylib"];

    private static readonly Lazy<MklReproducibilityStatus> Requested = new(Request);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int CbwrSet(int settings);

    /// <summary>The outcome of the first request in this process (made now if none was).</summary>
    public static MklReproducibilityStatus Status => Requested.Value;

    /// <summary>Requests the mode once per process; later calls return the first outcome.</summary>
    public static MklReproducibilityStatus Enable() => Requested.Value;

    private static MklReproducibilityStatus Request()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_CBWR")))
            return MklReproducibilityStatus.SetByEnvironment;
        torch.InitializeDeviceType(DeviceType.CPU); // loads libtorch; runs no product
        foreach (string name in TorchCpuLibraries)
        {
            // Already loaded by TorchSharp, so the loader hands back that copy.
            if (NativeLibrary.TryLoad(name, typeof(torch).Assembly, null, out IntPtr library)
                && NativeLibrary.TryGetExport(library, SetFunction, out IntPtr set))
            {
                int result = Marshal.GetDelegateForFunctionPointer<CbwrSet>(set)(CbwrAuto);
                return result == CbwrSuccess ? MklReproducibilityStatus.Enabled : MklReproducibilityStatus.TooLate;
            }
        }
        return MklReproducibilityStatus.Unavailable;
    }
}
