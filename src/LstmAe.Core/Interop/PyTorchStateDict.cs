using LstmAe.IO;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LstmAe.Interop;

/// <summary>
/// Reads and writes PyTorch state_dicts (<c>torch.save(model.state_dict())</c>, zip format), with exact checking of
/// names, shapes and values. Writing goes through TorchSharp.PyBridge.
/// </summary>
/// <remarks>
/// Reading does not use PyBridge's unpickler, which allocates every storage the pickle declares before any name or
/// shape can be checked: <see cref="TorchSaveReader"/> reads the pickle without running code, checks every name,
/// shape, dtype and storage entry size against the module first, and only then reads the storages. The tensors are
/// then copied into the existing parameters, which keep their requires_grad, and every mismatch is reported at once.
/// Files should still come from a trusted source.
/// </remarks>
public static class PyTorchStateDict
{
    /// <summary>At most 16 MiB of pickle (<c>data.pkl</c>) in a state_dict file; one with a few hundred tensors takes a
    /// few kilobytes.</summary>
    public const int MaxPickleBytes = 16 << 20;

    /// <summary>Loads the state_dict at <paramref name="path"/> into <paramref name="module"/>. Tensors may share a
    /// storage and be non-contiguous (views at offsets and strides, as nn.LSTM weights are once cuDNN has flattened
    /// them on a GPU); storages saved on a GPU are read onto the CPU and copied to the module's device.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a PyTorch state_dict, its tensors are missing, unexpected or mis-shaped (all named), a storage
    /// entry is short or damaged (file and entry named), or a tensor holds NaN or an infinity (named).
    /// </exception>
    public static void Load(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"PyTorch state_dict not found: {path}", path);
        using LoadedStateDict weights = TorchSaveReader.Read(path, module.state_dict());
        weights.CopyInto(module, path);
    }

    /// <summary>Writes <paramref name="module"/>'s parameters and buffers as a state_dict PyTorch loads, atomically
    /// (<see cref="AtomicFile"/>): an existing file is replaced only once the new one is complete.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file could not be written (its folder is missing, the disk is full, it may
    /// not be written, <paramref name="path"/> names a folder, ...); the message names it.</exception>
    public static void Save(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteFile(path, temporary => module.save_py(temporary));
    }
}
