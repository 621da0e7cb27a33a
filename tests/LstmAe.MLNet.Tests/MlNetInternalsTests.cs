using LstmAe.MLNet.Internal;
using LstmAe.MLNet.Persistence;
using LstmAe.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet.Tests;

/// <summary>
/// The reflection bridge into ML.NET internals. If an ML.NET upgrade renames or removes a member these tests fail
/// first, with a MissingMemberException naming it, rather than models failing to save or load later.
/// </summary>
[TestClass]
public sealed class MlNetInternalsTests
{
    [TestMethod]
    public void EveryInternalMemberTheBridgeUsesExists()
    {
        try
        {
            MlNetInternals.EnsureAvailable();
        }
        catch (MissingMemberException e)
        {
            Assert.Fail($"ML.NET {typeof(MLContext).Assembly.GetName().Version} changed: {e.Message}");
        }
    }

    [TestMethod]
    public void AMissingMemberIsNamedWithItsSignature()
    {
        var method = Assert.ThrowsExactly<MissingMemberException>(
            () => RequiredMember.Method(typeof(ModelSaveContext), "SaveBinaryStreamV2", typeof(string)));
        StringAssert.Contains(method.Message, "'Microsoft.ML.ModelSaveContext.SaveBinaryStreamV2(String)'");
        StringAssert.Contains(method.Message, "MlNetInternals");

        var type = Assert.ThrowsExactly<MissingMemberException>(
            () => RequiredMember.Type(typeof(MLContext).Assembly, "Microsoft.ML.NoSuchType"));
        StringAssert.Contains(type.Message, "'Microsoft.ML.NoSuchType'");

        var constructor = Assert.ThrowsExactly<MissingMemberException>(
            () => RequiredMember.Constructor(typeof(ComponentCatalog), typeof(int)));
        StringAssert.Contains(constructor.Message, "ComponentCatalog..ctor(Int32)");
    }

    [TestMethod]
    public void CatalogEnvironmentIsTheContextsEnvironment()
    {
        var ml = new MLContext(seed: 1);
        IHostEnvironment environment = MlNetInternals.GetEnvironment(ml.Transforms);
        Assert.AreSame(ml.ComponentCatalog, environment.ComponentCatalog);
    }

    [TestMethod]
    public void CancelExecutionIsSeenOnTheEnvironmentAndItsHosts()
    {
        var ml = new MLContext(seed: 1);
        IHostEnvironment environment = MlNetInternals.GetEnvironment(ml.Transforms);
        IHost host = environment.Register("test");
        Assert.IsFalse(MlNetInternals.IsCanceled(environment));
        Assert.IsFalse(MlNetInternals.IsCanceled(host));

        MlContextCancellation.CancelExecution(ml);

        Assert.IsTrue(MlNetInternals.IsCanceled(environment));
        Assert.IsTrue(MlNetInternals.IsCanceled(host));
    }

    [TestMethod]
    public void RegisteringTheLoaderTwiceIsHarmless()
    {
        var ml = new MLContext(seed: 1);
        ml.ComponentCatalog.RegisterLstmAutoEncoder();
        ml.ComponentCatalog.RegisterLstmAutoEncoder();
    }

    [TestMethod]
    public void SchemaShapeColumnsCarryNameKindAndType()
    {
        SchemaShape.Column column = MlNetInternals.NewSchemaShapeColumn("Features",
            SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single);
        Assert.AreEqual("Features", column.Name);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, column.Kind);
        Assert.AreEqual(NumberDataViewType.Single, column.ItemType);
        Assert.IsFalse(column.IsKey);
    }

    [TestMethod]
    public void ModelSignatureIsEightCharacters()
    {
        Assert.AreEqual(8, TransformerPersistence.Version.ModelSignature.Length);
        Assert.AreEqual(typeof(LstmAutoEncoderTransformer).Assembly.FullName, TransformerPersistence.Version.LoaderAssemblyName);
    }
}
