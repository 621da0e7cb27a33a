using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Model;

/// <summary>
/// Create draws the weights from a generator of its own: what building the modules right after
/// <c>torch.manual_seed(seed)</c> gives (PyTorch's default initialisation), bit for bit, and the same whatever other
/// threads draw from torch's process-wide generator meanwhile.
/// </summary>
[TestClass]
public sealed class WeightInitializationTests
{
    [TestMethod]
    [DataRow(0, AutoEncoderMode.Composite)]
    [DataRow(7, AutoEncoderMode.ReconstructionOnly)]
    [DataRow(-3, AutoEncoderMode.PredictionOnly)]
    public void TheWeightsAreThoseOfModulesBuiltAfterSeedingTorch(int seed, AutoEncoderMode mode)
    {
        LstmAutoEncoderModelOptions options = TinyModels.Options with { Mode = mode };
        manual_seed(seed);
        using var seeded = new CompositeLstmAutoEncoderModule(options);
        manual_seed(seed + 1000);

        using var model = LstmAutoEncoder.Create(options, seed);

        var expected = seeded.state_dict();
        var actual = model.Module.state_dict();
        CollectionAssert.AreEqual(expected.Keys.ToArray(), actual.Keys.ToArray());
        foreach (var (name, tensor) in expected)
            CollectionAssert.AreEqual(tensor.data<float>().ToArray(), actual[name].data<float>().ToArray(), name);
    }

    [TestMethod]
    public void EachParameterLiesWithinPyTorchsDefaultBounds()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options with { HiddenSize = 25 }, seed: 4);

        foreach (var (name, tensor) in model.Module.state_dict())
        {
            // nn.LSTM: ±1/√hidden; nn.Linear (fc, hidden inputs): ±1/√fan_in, the same here.
            double bound = 1 / Math.Sqrt(25);
            double largest = tensor.abs().max().item<float>();
            Assert.IsTrue(largest <= bound * (1 + 1e-6) && largest > 0.5 * bound, $"{name}: largest |value| {largest}, bound {bound}");
        }
    }

    [TestMethod]
    public void CreatingOnManyThreadsWhileOthersDrawGivesTheSameWeights()
    {
        LstmAutoEncoderModelOptions options = TinyModels.Options;
        Dictionary<string, float[]> alone;
        using (var model = LstmAutoEncoder.Create(options, seed: 7)) alone = TinyModels.Weights(model);

        using var stop = new CancellationTokenSource();
        // Another thread keeps drawing from the process-wide generator, and building (and loading) other models.
        var noise = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var scope = NewDisposeScope();
                manual_seed(1);
                rand(4096);
                using var other = LstmAutoEncoder.Create(options, seed: 8);
            }
        });
        var results = new Dictionary<string, float[]>[16];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var model = LstmAutoEncoder.Create(options, seed: 7);
            results[i] = TinyModels.Weights(model);
        });
        stop.Cancel();
        noise.Wait();

        foreach (var weights in results)
        {
            CollectionAssert.AreEqual(alone.Keys.ToArray(), weights.Keys.ToArray());
            foreach (var (name, values) in alone) CollectionAssert.AreEqual(values, weights[name], name);
        }
    }
}
