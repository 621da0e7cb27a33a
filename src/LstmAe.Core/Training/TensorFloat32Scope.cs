using LstmAe.Model;
using TorchSharp;

namespace LstmAe.Training;

/// <summary>
/// Lets libtorch run float32 products in TF32 (10-bit mantissa inputs, float32 accumulation) on the tensor cores of
/// NVIDIA GPUs that have them (Ampere and later; elsewhere the setting has no effect), for the duration of a training
/// run, then puts libtorch's two process-wide flags (cuBLAS and cuDNN) back as they were.
/// </summary>
internal sealed class TensorFloat32Scope : IDisposable
{
    private readonly bool _cublasBefore, _cudnnBefore;

    private TensorFloat32Scope()
    {
        _cublasBefore = torch.backends.cuda.matmul.allow_tf32;
        _cudnnBefore = torch.backends.cudnn.allow_tf32;
        torch.backends.cuda.matmul.allow_tf32 = true;
        torch.backends.cudnn.allow_tf32 = true;
    }

    /// <summary>Whether TF32 applies: asked for, float32 products, on a CUDA device.</summary>
    public static bool Applies(DeviceType device, MatrixPrecision precision, bool allowed) =>
        allowed && device == DeviceType.CUDA && precision == MatrixPrecision.Float32;

    /// <summary>A scope that allows TF32 where <see cref="Applies"/>, else null (nothing changes).</summary>
    public static TensorFloat32Scope? For(DeviceType device, MatrixPrecision precision, bool allowed) =>
        Applies(device, precision, allowed) ? new TensorFloat32Scope() : null;

    /// <summary>Restores the flags.</summary>
    public void Dispose()
    {
        torch.backends.cuda.matmul.allow_tf32 = _cublasBefore;
        torch.backends.cudnn.allow_tf32 = _cudnnBefore;
    }
}
