using System.Text.Json;
using LstmAe.Model;

namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// The PyTorch reference fixture in Fixtures/seed-seq2seq: a tutorial-layout model (frame 64, hidden 32, 2 layers,
/// 5 input + 4 future frames) with its inputs, outputs and losses as PyTorch 1.13 computed them.
/// </summary>
internal static class SeedFixture
{
    public const int Batch = 3;

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed-seq2seq");

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static LstmAutoEncoderModelOptions Options(DecoderConditioning conditioning, TrainingObjective objective) => new()
    {
        FrameHeight = 8,
        FrameWidth = 8,
        InputFrames = 5,
        FutureFrames = 4,
        HiddenSize = 32,
        Layers = 2,
        Conditioning = conditioning,
        Objective = objective,
    };

    /// <summary>A model with the fixture's PyTorch weights.</summary>
    public static LstmAutoEncoder LoadModel(DecoderConditioning conditioning, TrainingObjective objective, string file = "model.bin")
    {
        var model = LstmAutoEncoder.Create(Options(conditioning, objective));
        model.LoadPyTorchStateDict(PathOf(file));
        return model;
    }

    public static float[] Array(string name) => NpyTestReader.ReadFloat32(PathOf(name + ".npy")).Values;

    /// <summary>Past and future frames concatenated per sequence: rows of 9 frames.</summary>
    public static float[] FullSequences()
    {
        float[] past = Array("past"), future = Array("future");
        int pastRow = 5 * 64, futureRow = 4 * 64;
        var result = new float[Batch * (pastRow + futureRow)];
        for (int i = 0; i < Batch; i++)
        {
            past.AsSpan(i * pastRow, pastRow).CopyTo(result.AsSpan(i * (pastRow + futureRow)));
            future.AsSpan(i * futureRow, futureRow).CopyTo(result.AsSpan(i * (pastRow + futureRow) + pastRow));
        }
        return result;
    }

    public static string[] ParameterNames()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PathOf("expected.json")));
        return document.RootElement.GetProperty("parameter_names").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public static JsonElement Expected(string section, string key)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PathOf("expected.json")));
        return document.RootElement.GetProperty(section).GetProperty(key).Clone();
    }
}
