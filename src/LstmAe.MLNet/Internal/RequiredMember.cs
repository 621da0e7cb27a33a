using System.Reflection;

namespace LstmAe.MLNet.Internal;

/// <summary>Finds a non-public ML.NET member by name and signature, or throws a <see cref="MissingMemberException"/>
/// that names it and says which bridge broke.</summary>
internal static class RequiredMember
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private const string BridgeBroken =
        "LstmAe's ML.NET bridge (LstmAe.MLNet.Internal.MlNetInternals) does not match this ML.NET version";

    /// <summary>The type <paramref name="name"/> of <paramref name="assembly"/>.</summary>
    public static Type Type(Assembly assembly, string name) =>
        assembly.GetType(name, throwOnError: false)
        ?? throw new MissingMemberException($"{BridgeBroken}: type '{name}' is missing from {assembly.GetName()}.");

    /// <summary>The instance method <paramref name="name"/>(<paramref name="parameters"/>) of <paramref name="type"/>.</summary>
    public static MethodInfo Method(Type type, string name, params Type[] parameters) =>
        type.GetMethod(name, Instance, parameters) ?? throw Missing(type, $"{name}({Describe(parameters)})");

    /// <summary>The instance property <paramref name="name"/> of <paramref name="type"/>.</summary>
    public static PropertyInfo Property(Type type, string name) =>
        type.GetProperty(name, Instance) ?? throw Missing(type, name);

    /// <summary>The instance field <paramref name="name"/> of <paramref name="type"/>.</summary>
    public static FieldInfo Field(Type type, string name) =>
        type.GetField(name, Instance) ?? throw Missing(type, name);

    /// <summary>The constructor of <paramref name="type"/> taking <paramref name="parameters"/>.</summary>
    public static ConstructorInfo Constructor(Type type, params Type[] parameters) =>
        type.GetConstructor(Instance, parameters) ?? throw Missing(type, $".ctor({Describe(parameters)})");

    private static MissingMemberException Missing(Type type, string member) =>
        new($"{BridgeBroken}: member '{type.FullName}.{member}' is missing from {type.Assembly.GetName()}.");

    private static string Describe(Type[] parameters) => string.Join(", ", parameters.Select(p => p.Name));
}
