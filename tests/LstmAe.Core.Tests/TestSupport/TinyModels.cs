using LstmAe.Model;
using LstmAe.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.TestSupport;

/// <summary>Tiny models and data so training tests take well under a second per run.</summary>
internal static class TinyModels
{
    public static LstmAutoEncoderModelOptions Options { get; } = new()
    {
        FrameHeight = 4,
        FrameWidth = 4,
        InputFrames = 3,
        FutureFrames = 2,
        HiddenSize = 16,
        Layers = 2,
        Dropout = 0.25,
        Objective = TrainingObjective.MeanSquaredError,
        // Conditional decoders take the step-by-step path, the one with feedback.
        Conditioning = DecoderConditioning.Conditional,
    };

    /// <summary>Deterministic sequences with values in [0, 1), input and future frames per row.</summary>
    public static float[] Sequences(LstmAutoEncoderModelOptions options, int count, int seed = 1)
    {
        var random = new Random(seed);
        var values = new float[count * options.FullSequenceLength];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle();
        return values;
    }

    public static InMemorySequenceSource Source(LstmAutoEncoderModelOptions options, int count, bool shuffle = true) =>
        new(Sequences(options, count), options.FullSequenceLength, shuffle, seed: 3);

    /// <summary>Every state_dict tensor as floats, by name.</summary>
    public static Dictionary<string, float[]> Weights(LstmAutoEncoder model) =>
        model.Module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().cpu().data<float>().ToArray());

    public static void AssertBitIdentical(LstmAutoEncoder expected, LstmAutoEncoder actual)
    {
        Dictionary<string, float[]> a = Weights(expected), b = Weights(actual);
        CollectionAssert.AreEquivalent(a.Keys.ToArray(), b.Keys.ToArray());
        foreach (var (name, values) in a)
            CollectionAssert.AreEqual(values, b[name], $"{name} differs");
    }
}

/// <summary>An <see cref="IProgress{T}"/> that runs its handler synchronously (Progress&lt;T&gt; posts asynchronously).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
