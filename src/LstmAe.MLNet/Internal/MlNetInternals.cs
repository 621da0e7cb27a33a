using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet.Internal;

/// <summary>
/// The one place that touches ML.NET internals. ML.NET 5 lets a transformer persist itself only through
/// <see cref="ModelSaveContext"/> members that are internal (visible to its friend assemblies such as
/// Microsoft.ML.TorchSharp), reads models back through the internal <c>ModelLoadContext</c>, and finds loaders
/// through <c>LoadableClassAttribute</c>s that a third-party assembly cannot declare. Catalog extensions reach the
/// environment only through the internal <c>IInternalCatalog</c>, and <c>MLContext.CancelExecution</c> is visible
/// only as the internal <c>ICancelable</c>; an estimator cannot even describe its output columns, because
/// <c>SchemaShape.Column</c>'s constructor is internal. This bridge reaches those members by reflection. Every
/// member is resolved once, by name and signature, and a missing one fails with a <see cref="MissingMemberException"/>
/// that names it, so an ML.NET upgrade that moves them breaks loudly (see MlNetInternalsTests) instead of corrupting
/// models.
/// </summary>
internal static class MlNetInternals
{
    private static readonly Lazy<Members> Resolved = new(Members.Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Resolves every internal member the bridge uses; throws <see cref="MissingMemberException"/> naming
    /// the first one this ML.NET lacks.</summary>
    public static void EnsureAvailable() => _ = Resolved.Value;

    /// <summary>The environment behind a catalog, as ML.NET's own catalog extensions get it.</summary>
    public static IHostEnvironment GetEnvironment(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return (IHostEnvironment)Resolved.Value.CatalogEnvironment.GetValue(catalog)!;
    }

    /// <summary>Whether <c>MLContext.CancelExecution</c> has been called on the environment (or its parent).</summary>
    public static bool IsCanceled(IHostEnvironment environment)
    {
        Members m = Resolved.Value;
        return m.Cancelable.IsInstanceOfType(environment) && (bool)m.IsCanceled.GetValue(environment)!;
    }

    /// <summary>A <see cref="SchemaShape.Column"/>, for <see cref="IEstimator{TTransformer}.GetOutputSchema"/>.</summary>
    public static SchemaShape.Column NewSchemaShapeColumn(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return (SchemaShape.Column)Construct(Resolved.Value.SchemaShapeColumnConstructor, name, kind, itemType, false, null);
    }

    /// <summary>Writes ML.NET's model header: an 8-character signature, versions, and the loader's name and
    /// assembly, which <c>mlContext.Model.Load</c> uses to find the loader registered by <see cref="RegisterLoader"/>.</summary>
    public static void SetVersionInfo(ModelSaveContext context, ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(context);
        Members m = Resolved.Value;
        Invoke(m.SetVersionInfo, context, m.NewVersionInfo(version));
    }

    /// <summary>Writes one named entry beside the model's main stream (a file in the model zip).</summary>
    public static void SaveBinaryStream(ModelSaveContext context, string entryName, Action<BinaryWriter> write)
    {
        ArgumentNullException.ThrowIfNull(context);
        Invoke(Resolved.Value.SaveBinaryStream, context, entryName, write);
    }

    /// <summary>Checks the header of the model being loaded against <paramref name="version"/>: throws
    /// <see cref="FormatException"/> for a foreign signature or an unreadable version.</summary>
    public static void CheckVersionInfo(object loadContext, ModelVersion version)
    {
        Members m = Resolved.Value;
        RequireLoadContext(loadContext, m);
        Invoke(m.CheckVersionInfo, loadContext, m.NewVersionInfo(version));
    }

    /// <summary>Reads one named entry written by <see cref="SaveBinaryStream"/>; false when the entry is absent.</summary>
    public static bool TryLoadBinaryStream(object loadContext, string entryName, Action<BinaryReader> read)
    {
        Members m = Resolved.Value;
        RequireLoadContext(loadContext, m);
        return (bool)Invoke(m.TryLoadBinaryStream, loadContext, entryName, read)!;
    }

    /// <summary>
    /// Registers <paramref name="create"/> in <paramref name="catalog"/> as the loader named
    /// <paramref name="loaderSignature"/> for ML.NET's model-load signature, exactly as a
    /// <c>[assembly: LoadableClass(..., typeof(SignatureLoadModel), ...)]</c> would. <paramref name="create"/> is a
    /// static method <c>(IHostEnvironment env, object modelLoadContext)</c> returning <paramref name="instanceType"/>.
    /// Registering twice is harmless.
    /// </summary>
    public static void RegisterLoader(ComponentCatalog catalog, Type instanceType, MethodInfo create, string loaderSignature)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Members m = Resolved.Value;
        lock (m.CatalogLock.GetValue(catalog)!)
        {
            if (Invoke(m.GetLoadableClassInfo, catalog, loaderSignature, m.SignatureLoadModel) is not null)
                return;
            object attribute = Construct(m.LoadableClassAttributeConstructor,
                instanceType, instanceType, null, m.SignatureLoadModel, loaderSignature, new[] { loaderSignature });
            object info = Construct(m.LoadableClassInfoConstructor, attribute, null, null, create, true);
            Invoke(m.AddClass, catalog, info, new[] { loaderSignature }, true);
        }
    }

    private static void RequireLoadContext(object loadContext, Members m)
    {
        ArgumentNullException.ThrowIfNull(loadContext);
        if (!m.ModelLoadContext.IsInstanceOfType(loadContext))
            throw new ArgumentException($"Expected an ML.NET {m.ModelLoadContext.FullName}, got {loadContext.GetType().FullName}.", nameof(loadContext));
    }

    // Reflection wraps whatever the member throws; callers should see the original exception.
    private static object? Invoke(MethodInfo method, object target, params object?[] arguments)
    {
        try
        {
            return method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private static object Construct(ConstructorInfo constructor, params object?[] arguments)
    {
        try
        {
            return constructor.Invoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <summary>The internal members, resolved once.</summary>
    private sealed record Members(
        PropertyInfo CatalogEnvironment,
        Type Cancelable,
        PropertyInfo IsCanceled,
        ConstructorInfo SchemaShapeColumnConstructor,
        Type ModelLoadContext,
        Type SignatureLoadModel,
        ConstructorInfo VersionInfoConstructor,
        MethodInfo SetVersionInfo,
        MethodInfo SaveBinaryStream,
        MethodInfo CheckVersionInfo,
        MethodInfo TryLoadBinaryStream,
        FieldInfo CatalogLock,
        MethodInfo GetLoadableClassInfo,
        ConstructorInfo LoadableClassAttributeConstructor,
        ConstructorInfo LoadableClassInfoConstructor,
        MethodInfo AddClass)
    {
        public object NewVersionInfo(ModelVersion v) => Construct(VersionInfoConstructor,
            v.ModelSignature, v.VersionWritten, v.VersionReadable, v.VersionWeCanReadBack,
            v.LoaderAssemblyName, v.LoaderSignature, null);

        public static Members Resolve()
        {
            Assembly core = typeof(ModelSaveContext).Assembly;
            Type versionInfo = RequiredMember.Type(core, "Microsoft.ML.VersionInfo");
            Type loadContext = RequiredMember.Type(core, "Microsoft.ML.ModelLoadContext");
            Type signature = RequiredMember.Type(core, "Microsoft.ML.SignatureLoadModel");
            Type attributeType = RequiredMember.Type(core, "Microsoft.ML.LoadableClassAttribute");
            Type attributeBase = RequiredMember.Type(core, "Microsoft.ML.LoadableClassAttributeBase");
            Type classInfo = RequiredMember.Type(core, "Microsoft.ML.Runtime.ComponentCatalog+LoadableClassInfo");
            Type catalog = typeof(ComponentCatalog);
            Type internalCatalog = RequiredMember.Type(typeof(TransformsCatalog).Assembly, "Microsoft.ML.Data.IInternalCatalog");
            Type cancelable = RequiredMember.Type(core, "Microsoft.ML.Runtime.ICancelable");
            return new Members(
                RequiredMember.Property(internalCatalog, "Environment"),
                cancelable,
                RequiredMember.Property(cancelable, "IsCanceled"),
                RequiredMember.Constructor(typeof(SchemaShape.Column), typeof(string), typeof(SchemaShape.Column.VectorKind),
                    typeof(DataViewType), typeof(bool), typeof(SchemaShape)),
                loadContext,
                signature,
                RequiredMember.Constructor(versionInfo, typeof(string), typeof(uint), typeof(uint), typeof(uint), typeof(string), typeof(string), typeof(string)),
                RequiredMember.Method(typeof(ModelSaveContext), "SetVersionInfo", versionInfo),
                RequiredMember.Method(typeof(ModelSaveContext), "SaveBinaryStream", typeof(string), typeof(Action<BinaryWriter>)),
                RequiredMember.Method(loadContext, "CheckAtModel", versionInfo),
                RequiredMember.Method(loadContext, "TryLoadBinaryStream", typeof(string), typeof(Action<BinaryReader>)),
                RequiredMember.Field(catalog, "_lock"),
                RequiredMember.Method(catalog, "GetLoadableClassInfo", typeof(string), typeof(Type)),
                RequiredMember.Constructor(attributeType, typeof(Type), typeof(Type), typeof(Type), typeof(Type), typeof(string), typeof(string[])),
                RequiredMember.Constructor(classInfo, attributeBase, typeof(MethodInfo), typeof(ConstructorInfo), typeof(MethodInfo), typeof(bool)),
                RequiredMember.Method(catalog, "AddClass", classInfo, typeof(string[]), typeof(bool)));
        }
    }
}
