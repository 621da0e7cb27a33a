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
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);

    /// <summary>Takes ownership of <paramref name="tensor"/>.</summary>
    /// <exception cref="InvalidDataException">The name was already added.</exception>
    public void Add(string name, Tensor tensor)
    {
        if (!_tensors.TryAdd(name, tensor))
        {
            tensor.Dispose();
            throw new InvalidDataException($"Tensor {name} appears twice.");
        }
    }

    /// <summary>Checks the tensors against the module's state_dict, then copies every one in.</summary>
    /// <param name="module">The module to fill; its parameters keep requires_grad.</param>
    /// <param name="sourceName">Where the tensors came from, for messages (a path or "the model stream").</param>
    /// <exception cref="InvalidDataException">Names are missing or unexpected, shapes or types differ, or a tensor
    /// holds NaN or an infinity (named with the first such element).</exception>
    public void CopyInto(nn.Module module, string sourceName)
    {
        Dictionary<string, Tensor> target = module.state_dict();
        List<string> problems = Mismatches(_tensors.Select(p => (p.Key, p.Value.shape, p.Value.is_floating_point())), target);
        if (problems.Count == 0)
        {
            problems.AddRange(_tensors.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => NonFinite(p.Key, p.Value)).OfType<string>());
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"The tensors in {sourceName} do not fit this model ({string.Join("; ", problems)}).");
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in target) tensor.copy_(_tensors[name]);
    }

    /// <summary>
    /// Every way <paramref name="found"/> (name, shape, whether floating point) differs from <paramref name="target"/>:
    /// missing and unexpected names, then shapes and types in name order. Empty when they fit.
    /// </summary>
    public static List<string> Mismatches(IEnumerable<(string Name, long[] Shape, bool FloatingPoint)> found, IReadOnlyDictionary<string, Tensor> target)
    {
        var byName = new Dictionary<string, (long[] Shape, bool FloatingPoint)>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, shape, floatingPoint) in found)
        {
            if (!byName.TryAdd(name, (shape, floatingPoint))) problems.Add($"{name} appears twice");
        }
        string[] missing = target.Keys.Where(k => !byName.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        string[] unexpected = byName.Keys.Where(k => !target.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0 && unexpected.Length > 0 && unexpected.All(n => n.StartsWith(DataParallelPrefix, StringComparison.Ordinal))
            && missing.All(n => byName.ContainsKey(DataParallelPrefix + n)))
        {
            problems.Add($"every name carries nn.DataParallel's '{DataParallelPrefix}' prefix: save the wrapped model's own weights, " +
                "torch.save(model.module.state_dict(), path)");
            return problems;
        }
        if (missing.Length > 0) problems.Add($"missing: {string.Join(", ", missing)}");
        if (unexpected.Length > 0) problems.Add($"unexpected: {string.Join(", ", unexpected)}");
        foreach (var (name, tensor) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(name, out var loaded)) continue;
            if (!loaded.Shape.SequenceEqual(tensor.shape))
                problems.Add($"{name} has shape [{string.Join(", ", loaded.Shape)}], expected [{Shape(tensor)}]");
            else if (!loaded.FloatingPoint)
                problems.Add($"{name} holds no floating-point values, expected floating point");
        }
        return problems;
    }

    /// <summary>What nn.DataParallel and DistributedDataParallel put before the wrapped module's names.</summary>
    private const string DataParallelPrefix = "module.";

    /// <summary>Null, or where <paramref name="tensor"/> first holds NaN or an infinity: such weights would make every
    /// output NaN.</summary>
    private static string? NonFinite(string name, Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor flat = tensor.detach().flatten();
        Tensor bad = flat.isfinite().logical_not().nonzero();
        if (bad.shape[0] == 0) return null;
        long index = bad[0, 0].item<long>();
        return $"{name} holds {flat[index].to(torch.float32).item<float>()} at element {index} (flattened); weights must be finite";
    }

    /// <summary>Releases the native tensors.</summary>
    public void Dispose()
    {
        foreach (Tensor tensor in _tensors.Values) tensor.Dispose();
        _tensors.Clear();
    }

    private static string Shape(Tensor tensor) => string.Join(", ", tensor.shape);
}
