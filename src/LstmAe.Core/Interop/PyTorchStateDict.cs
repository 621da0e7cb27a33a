using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LstmAe.Interop;

/// <summary>
/// Reads and writes PyTorch state_dicts (<c>torch.save(model.state_dict())</c>, zip format) through
/// TorchSharp.PyBridge, with exact checking of names and shapes.
/// </summary>
/// <remarks>
/// The pickle is unpacked into standalone tensors that are then copied into the existing parameters, rather than
/// calling PyBridge's <c>load_py</c>: that keeps the parameters' requires_grad (load_py copies requires_grad=False
/// from the pickle) and lets every mismatch be reported at once.
/// </remarks>
public static class PyTorchStateDict
{
    /// <summary>Loads the state_dict at <paramref name="path"/> into <paramref name="module"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a PyTorch state_dict, or its tensors are missing, unexpected or mis-shaped (all named).
    /// </exception>
    public static void Load(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"PyTorch state_dict not found: {path}", path);
        using LoadedStateDict weights = Read(path);
        weights.CopyInto(module, path);
    }

    /// <summary>Writes <paramref name="module"/>'s parameters and buffers as a state_dict PyTorch loads.</summary>
    public static void Save(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrEmpty(path);
        module.save_py(path);
    }

    private static LoadedStateDict Read(string path)
    {
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException)
        {
            // The unpickler reports foreign or damaged files with assorted exception types.
            throw new InvalidDataException($"{path} is not a PyTorch state_dict saved by torch.save: {e.Message}", e);
        }
        var weights = new LoadedStateDict();
        try
        {
            foreach (DictionaryEntry entry in table)
            {
                if (entry.Key is not string name || entry.Value is not Tensor value)
                    throw new InvalidDataException($"{path} holds an entry that is not a named tensor ({entry.Key}).");
                weights.Add(name, value);
            }
            return weights;
        }
        catch
        {
            weights.Dispose();
            // The unpickler built every tensor up front; those not yet handed to weights would leak.
            foreach (object? value in table.Values) (value as Tensor)?.Dispose();
            throw;
        }
    }
}
