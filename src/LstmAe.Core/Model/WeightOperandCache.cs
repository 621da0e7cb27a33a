using LstmAe.Interop;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// One module's weights cast to a product's operand type (bfloat16) for inference, kept between calls instead of
/// cast again at every call. A cast is used only while its weight is the same tensor, on the same device, at the same
/// libtorch version (<see cref="TensorVersion"/>): an in-place write (an optimizer step, a load, <c>copy_</c>) or a
/// replaced parameter (a move to another device) makes the next call cast afresh. Calls that record gradients must
/// not come here: their cast belongs to the graph.
/// </summary>
/// <remarks>Thread-safe. Each cast costs memory: half its float32 weight in bfloat16, for as long as the module lives.</remarks>
internal sealed class WeightOperandCache(ScalarType operandType) : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = [];
    private bool disposed;

    /// <summary>The type weights are cast to.</summary>
    public ScalarType OperandType => operandType;

    /// <summary>
    /// <paramref name="weight"/> in <see cref="OperandType"/>, as a new tensor owned by the caller's dispose scope
    /// that shares the cached cast's memory; the cast is made first where none is current.
    /// </summary>
    /// <param name="slot">Which of the module's weights this is (its parameter name).</param>
    /// <param name="weight">The weight as it is now.</param>
    public Tensor Get(string slot, Tensor weight)
    {
        long? version = TensorVersion.Of(weight);
        if (version is null) return weight.to(operandType);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!entries.TryGetValue(slot, out Entry? entry) || !entry.Matches(weight, version.Value))
            {
                // Callers hold aliases, which keep the old cast's memory alive until their scopes end.
                entry?.Operand.Dispose();
                Tensor operand = weight.to(operandType).DetachFromDisposeScope();
                entry = new Entry(weight, weight.Handle, version.Value, operand);
                entries[slot] = entry;
            }
            return entry.Operand.alias();
        }
    }

    /// <summary>Frees every cast.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            foreach (Entry entry in entries.Values) entry.Operand.Dispose();
            entries.Clear();
        }
    }

    /// <param name="Weight">The parameter the cast was made from (held, so its handle cannot be reused meanwhile).</param>
    /// <param name="Handle">Its native handle then.</param>
    /// <param name="Version">Its version then.</param>
    /// <param name="Operand">The cast.</param>
    private sealed record Entry(Tensor Weight, IntPtr Handle, long Version, Tensor Operand)
    {
        public bool Matches(Tensor weight, long version) =>
            ReferenceEquals(Weight, weight) && Handle == weight.Handle && Version == version && !Weight.IsInvalid;
    }
}
