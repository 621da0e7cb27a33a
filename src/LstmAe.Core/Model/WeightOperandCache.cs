using LstmAe.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// One module's weights cast to a product's operand type (bfloat16) for inference, kept between calls instead of
/// cast again at every call. A cast is used only while its weight is the same tensor object, of the same type, on the
/// same device, at the same libtorch version (<see cref="TensorVersion"/>): an in-place write (an optimizer step, a
/// load through <c>copy_</c>), a replaced parameter or a module moved to another device or type (which keeps the
/// parameter objects and their versions) makes the next call cast afresh. While gradients are recorded nothing is
/// kept: the cast belongs to the graph.
/// </summary>
/// <remarks>Thread-safe. Each cast costs memory: half its float32 weight in bfloat16, for as long as the module lives.</remarks>
internal sealed class WeightOperandCache(ScalarType operandType) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = [];
    private bool _disposed;

    /// <summary>The type weights are cast to.</summary>
    public ScalarType OperandType => operandType;

    /// <summary>
    /// <paramref name="weight"/> in <see cref="OperandType"/>, as a new tensor owned by the caller's dispose scope.
    /// Without gradients recording it shares the kept cast's memory (the cast is made first where none is current);
    /// with them it is a fresh cast in the graph, as it is for a tensor without a version (made in inference mode).
    /// </summary>
    /// <param name="slot">Which of the module's weights this is (its parameter name).</param>
    /// <param name="weight">The weight as it is now.</param>
    public Tensor Operand(string slot, Tensor weight)
    {
        long? version = is_grad_enabled() ? null : TensorVersion.Of(weight);
        if (version is null) return weight.to(operandType);
        var stamp = new Stamp(weight, version.Value, weight.dtype, weight.device_type, weight.device_index);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entries.TryGetValue(slot, out Entry? entry) || !entry.Stamp.Matches(stamp))
            {
                // Callers hold aliases, which keep the old cast's memory alive until their scopes end.
                entry?.Operand.Dispose();
                entry = new Entry(stamp, weight.to(operandType).DetachFromDisposeScope());
                _entries[slot] = entry;
            }
            return entry.Operand.alias();
        }
    }

    /// <summary>Frees every cast.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (Entry entry in _entries.Values) entry.Operand.Dispose();
            _entries.Clear();
        }
    }

    /// <summary>What a cast was made from: the weight object (compared by reference) and its version, type and device
    /// then.</summary>
    private readonly record struct Stamp(Tensor Weight, long Version, ScalarType Type, DeviceType Device, int DeviceIndex)
    {
        public bool Matches(Stamp other) =>
            ReferenceEquals(Weight, other.Weight) && (Version, Type, Device, DeviceIndex) == (other.Version, other.Type, other.Device, other.DeviceIndex);
    }

    private sealed record Entry(Stamp Stamp, Tensor Operand);
}
