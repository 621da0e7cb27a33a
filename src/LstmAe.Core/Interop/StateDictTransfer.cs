using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Interop;

/// <summary>
/// Copies named tensors into a module's parameters after checking that the names and shapes match exactly, so a
/// wrong file fails with a message naming every offending tensor instead of half-loading.
/// </summary>
internal static class StateDictTransfer
{
    /// <summary>Checks <paramref name="source"/> against the module's state_dict, then copies every tensor in.</summary>
    /// <param name="module">The module to fill; its parameters keep requires_grad.</param>
    /// <param name="source">Tensors by state_dict name.</param>
    /// <param name="sourceName">Where the tensors came from, for messages (a path or "model stream").</param>
    /// <exception cref="InvalidDataException">Names are missing or unexpected, or shapes differ.</exception>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> source, string sourceName)
    {
        Dictionary<string, Tensor> target = module.state_dict();
        var problems = new List<string>();
        string[] missing = target.Keys.Where(k => !source.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        string[] unexpected = source.Keys.Where(k => !target.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0) problems.Add($"missing: {string.Join(", ", missing)}");
        if (unexpected.Length > 0) problems.Add($"unexpected: {string.Join(", ", unexpected)}");
        foreach (var (name, tensor) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (source.TryGetValue(name, out Tensor? loaded) && !loaded.shape.SequenceEqual(tensor.shape))
                problems.Add($"{name} has shape [{Shape(loaded)}], expected [{Shape(tensor)}]");
        }
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"The tensors in {sourceName} do not fit this model ({string.Join("; ", problems)}).");

        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in target)
        {
            Tensor loaded = source[name];
            if (!loaded.is_floating_point())
                throw new InvalidDataException($"{name} in {sourceName} holds {loaded.dtype}, expected floating point.");
            tensor.copy_(loaded);
        }
    }

    private static string Shape(Tensor tensor) => string.Join(", ", tensor.shape);
}
