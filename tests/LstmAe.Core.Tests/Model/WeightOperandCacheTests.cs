using LstmAe.Core.Tests.TestSupport;
using LstmAe.Interop;
using LstmAe.Model;
using LstmAe.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// Weight casts kept between inference calls are reused only while their weight is unchanged: the same tensor at the
/// same version. Also at model level: a bfloat16 model that infers, trains or has its weights written and infers again
/// gives what a freshly loaded copy of it gives.
/// </summary>
[TestClass]
public sealed class WeightOperandCacheTests
{
    [TestMethod]
    public void ReusesTheCastWhileTheWeightIsUnchanged()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = new WeightOperandCache(ScalarType.BFloat16);
        Tensor weight = randn(8, 5);

        Tensor first = cache.Operand("w", weight), second = cache.Operand("w", weight);

        Assert.AreEqual(ScalarType.BFloat16, first.dtype);
        Assert.IsTrue(first.eq(weight.to(ScalarType.BFloat16)).all().item<bool>());
        first.zero_();
        Assert.IsTrue(second.eq(0).all().item<bool>(), "the second call shares the first one's cast");
    }

    [TestMethod]
    public void KeepsNothingWhileGradientsAreRecorded()
    {
        using var scope = NewDisposeScope();
        using var cache = new WeightOperandCache(ScalarType.BFloat16);
        var weight = new TorchSharp.Modules.Parameter(randn(8, 5));

        Tensor first = cache.Operand("w", weight);
        first.detach().zero_();
        Tensor second = cache.Operand("w", weight);

        Assert.IsTrue(second.requires_grad, "a cast in the graph");
        Assert.IsTrue(second.eq(weight.to(ScalarType.BFloat16)).all().item<bool>(), "a fresh cast each call");
    }

    [TestMethod]
    public void CastsAgainAfterAnInPlaceWrite()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = new WeightOperandCache(ScalarType.BFloat16);
        Tensor weight = randn(8, 5);
        Tensor before = cache.Operand("w", weight);

        weight.add_(ones(8, 5));
        Tensor after = cache.Operand("w", weight);

        Assert.IsTrue(after.eq(weight.to(ScalarType.BFloat16)).all().item<bool>(), "the written weight's cast");
        Assert.IsFalse(before.eq(after).all().item<bool>());
    }

    [TestMethod]
    public void CastsAgainForAnotherTensorInTheSlot()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = new WeightOperandCache(ScalarType.BFloat16);
        Tensor first = randn(8, 5), replacement = first.neg();
        Assert.AreEqual(TensorVersion.Of(first), TensorVersion.Of(replacement), "only the object tells them apart");
        cache.Operand("w", first);

        Tensor operand = cache.Operand("w", replacement);

        Assert.IsTrue(operand.eq(replacement.to(ScalarType.BFloat16)).all().item<bool>());
    }

    /// <summary>Moving a module to another type or device keeps its parameter objects and their versions
    /// (libtorch's <c>set_data</c>); the cast must still be renewed.</summary>
    [TestMethod]
    public void CastsAgainAfterTheModuleChangesType()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = new WeightOperandCache(ScalarType.BFloat16);
        var lstm = nn.LSTM(4, 3, 1);
        Tensor weight = lstm.get_parameter("weight_ih_l0")!;
        long? version = TensorVersion.Of(weight);
        // Spoil the kept cast through its alias: a cast that is reused shows the zeros.
        cache.Operand("w", weight).zero_();

        lstm.to(ScalarType.Float64);

        Assert.AreSame(weight, lstm.get_parameter("weight_ih_l0"));
        Assert.AreEqual(version, TensorVersion.Of(weight));
        Assert.IsTrue(cache.Operand("w", weight).eq(weight.to(ScalarType.BFloat16)).all().item<bool>(), "a new cast");
    }

    [TestMethod]
    public void HandedOutCastsOutliveReplacementAndDisposal()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var cache = new WeightOperandCache(ScalarType.BFloat16);
        Tensor weight = randn(8, 5);
        Tensor expected = weight.to(ScalarType.BFloat16);
        Tensor handedOut = cache.Operand("w", weight);

        weight.mul_(zeros(8, 5));
        cache.Operand("w", weight);
        cache.Dispose();

        Assert.IsTrue(handedOut.eq(expected).all().item<bool>(), "the caller's tensor keeps the old cast's memory");
        Assert.ThrowsExactly<ObjectDisposedException>(() => cache.Operand("w", weight));
    }

    [TestMethod]
    public void ConcurrentCallersGetTheCurrentCast()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = new WeightOperandCache(ScalarType.BFloat16);
        Tensor weight = randn(64, 64);
        Tensor expected = weight.to(ScalarType.BFloat16);

        Parallel.For(0, 200, _ =>
        {
            using var threadScope = NewDisposeScope();
            using var threadNoGrad = no_grad(); // gradient mode is per thread
            Assert.IsTrue(cache.Operand("w", weight).eq(expected).all().item<bool>());
        });
    }

    [TestMethod]
    public void BFloat16ModelInfersWhatAFreshCopyInfersAfterItsWeightsChange()
    {
        LstmAutoEncoderModelOptions options = TinyModels.Options with { MatrixPrecision = MatrixPrecision.BFloat16 };
        float[] sequences = TinyModels.Sequences(options, 4);
        using var model = LstmAutoEncoder.Create(options, seed: 5);
        float[] initial = model.Predict(sequences, 4);

        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = null, MaxSteps = 2, BatchSize = 4, LearningRate = 0.05 })
            .Fit(TinyModels.Source(options, 8));
        AssertInfersLikeAFreshCopy(model, sequences, "after training");
        CollectionAssert.AreNotEqual(initial, model.Predict(sequences, 4), "training changed the weights");

        string saved = Path.Combine(Path.GetTempPath(), $"lstmae-cache-{Guid.NewGuid():N}.bin");
        try
        {
            model.Module.save(saved);
            float[] trained = model.Predict(sequences, 4);
            using (no_grad())
            {
                foreach (var parameter in model.Module.parameters()) parameter.mul_(ones_like(parameter).mul_(0.5));
            }
            AssertInfersLikeAFreshCopy(model, sequences, "after an in-place write");

            // TorchSharp's load writes CPU weights through their memory, unseen by libtorch's version counter.
            model.Module.load(saved);
            AssertInfersLikeAFreshCopy(model, sequences, "after TorchSharp's load");
            CollectionAssert.AreEqual(trained, model.Predict(sequences, 4), "the saved weights are back");
        }
        finally
        {
            File.Delete(saved);
        }
    }

    private static void AssertInfersLikeAFreshCopy(LstmAutoEncoder model, float[] sequences, string when)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        using var fresh = LstmAutoEncoder.Load(stream, matrixPrecision: model.Options.MatrixPrecision);
        CollectionAssert.AreEqual(fresh.Encode(sequences, 4), model.Encode(sequences, 4), $"features {when}");
        CollectionAssert.AreEqual(fresh.Predict(sequences, 4), model.Predict(sequences, 4), $"prediction {when}");
        CollectionAssert.AreEqual(fresh.Reconstruct(sequences, 4), model.Reconstruct(sequences, 4), $"reconstruction {when}");
    }
}
