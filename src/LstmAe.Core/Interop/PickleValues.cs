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

/// <summary>A persistent id (<c>BINPERSID</c>): in torch.save files, a reference to a storage entry of the zip, the
/// tuple <c>('storage', storage type, key, location, elements)</c>. Like every container here it is equal only to
/// itself, so hashing or comparing one never walks what it holds.</summary>
internal sealed class PicklePersistentId(object?[] id)
{
    public object?[] Id { get; } = id;
}

/// <summary>Describes pickled values in messages without printing them: a value may be large or deeply nested.</summary>
internal static class PickleValues
{
    /// <summary>The most characters of a string a description quotes.</summary>
    public const int PreviewChars = 80;

    /// <summary>The Python type of <paramref name="value"/>, and for a string or a global its first characters.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "None",
        string text => $"str '{Shorten(text)}'",
        PickleGlobal global => $"global '{Shorten(global.ToString())}'",
        bool => "bool",
        long => "int",
        double => "float",
        byte[] => "bytes",
        object?[] => "tuple",
        List<object?> => "list",
        Dictionary<object, object?> => "dict",
        PickleCall { Callable: PickleGlobal type } => $"{Shorten(type.ToString())}(...)",
        PickleCall => "call",
        PicklePersistentId => "persistent id",
        _ => value.GetType().Name,
    };

    /// <summary><paramref name="text"/>, or its first <see cref="PreviewChars"/> characters and its length.</summary>
    public static string Shorten(string text) =>
        text.Length <= PreviewChars ? text : $"{text[..PreviewChars]}... ({text.Length} characters)";
}
