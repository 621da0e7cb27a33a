using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Interop;

/// <summary>
/// Named tensors read from a file or stream, owned until disposed, and copied into a module only after the names
/// and shapes are checked against its state_dict: a wrong file fails with a message naming every offending tensor
/// instead of half-loading.
/// </summary>
internal sealed class LoadedStateDict : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors = new(StringComparer.Ordinal);

    /// <summary>Takes ownership of <paramref name="tensor"/>.</summary>
    /// <exception cref="InvalidDataException">The name was already added.</exception>
    public void Add(string name, Tensor tensor)
    {
        if (!tensors.TryAdd(name, tensor))
        {
            tensor.Dispose();
            throw new InvalidDataException($"Tensor {name} appears twice.");
        }
    }

    /// <summary>Checks the tensors against the module's state_dict, then copies every one in.</summary>
    /// <param name="module">The module to fill; its parameters keep requires_grad.</param>
    /// <param name="sourceName">Where the tensors came from, for messages (a path or "the model stream").</param>
    /// <exception cref="InvalidDataException">Names are missing or unexpected, or shapes or types differ.</exception>
    public void CopyInto(nn.Module module, string sourceName)
    {
        Dictionary<string, Tensor> target = module.state_dict();
        var problems = new List<string>();
        string[] missing = target.Keys.Where(k => !tensors.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        string[] unexpected = tensors.Keys.Where(k => !target.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0) problems.Add($"missing: {string.Join(", ", missing)}");
        if (unexpected.Length > 0) problems.Add($"unexpected: {string.Join(", ", unexpected)}");
        foreach (var (name, tensor) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!tensors.TryGetValue(name, out Tensor? loaded)) continue;
            if (!loaded.shape.SequenceEqual(tensor.shape))
                problems.Add($"{name} has shape [{Shape(loaded)}], expected [{Shape(tensor)}]");
            else if (!loaded.is_floating_point())
                problems.Add($"{name} holds {loaded.dtype}, expected floating point");
        }
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"The tensors in {sourceName} do not fit this model ({string.Join("; ", problems)}).");

        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in target) tensor.copy_(tensors[name]);
    }

    /// <summary>Releases the native tensors.</summary>
    public void Dispose()
    {
        foreach (Tensor tensor in tensors.Values) tensor.Dispose();
        tensors.Clear();
    }

    private static string Shape(Tensor tensor) => string.Join(", ", tensor.shape);
}
