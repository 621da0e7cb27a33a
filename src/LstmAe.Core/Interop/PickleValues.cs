namespace LstmAe.Interop;

// The inert values PickleMachine builds for what a pickle would import, call or load from elsewhere.

/// <summary>A pickled reference to a Python global (<c>module.name</c>), never resolved: no code runs.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A pickled call (<c>REDUCE</c>) of <see cref="Callable"/> with <see cref="Arguments"/>, kept as data;
/// <c>BUILD</c> state applied to it is kept in <see cref="State"/>.</summary>
internal sealed class PickleCall(object? callable, object?[] arguments)
{
    public object? Callable { get; } = callable;

    public object?[] Arguments { get; } = arguments;

    public object? State { get; set; }
}

/// <summary>A persistent id (<c>BINPERSID</c>): in torch.save files, a reference to a storage entry of the zip.</summary>
internal sealed record PicklePersistentId(object? Id);
