using System.Text.Json;
using LstmAe.Model;

namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// The PyTorch reference fixture in Fixtures/seed-seq2seq: a tutorial-layout model with its inputs, outputs and
/// losses as PyTorch 1.13 computed them. Its sizes come from the <c>shapes</c> section of expected.json.
/// </summary>
internal static class SeedFixture
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "seed-seq2seq");

    public static int Batch { get; } = Shape("batch");

    public static int InputFrames { get; } = Shape("input_frames");

    public static int FutureFrames { get; } = Shape("future_frames");

    public static int FrameSize { get; } = Shape("frame_size");

    private static int FrameSide => (int)Math.Sqrt(FrameSize);

    /// <summary>Floats in one row of input and future frames.</summary>
    public static int FullSequenceLength => (InputFrames + FutureFrames) * FrameSize;

    public static string PathOf(string file) => Path.Combine(Directory, file);

    public static LstmAutoEncoderModelOptions Options(DecoderConditioning conditioning, TrainingObjective objective) => new()
    {
        // The fixture's frames are square.
        FrameHeight = FrameSide,
        FrameWidth = FrameSide,
        InputFrames = InputFrames,
        FutureFrames = FutureFrames,
        HiddenSize = Shape("hidden"),
        Layers = Shape("layers"),
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

    /// <summary>Past and future frames concatenated per sequence.</summary>
    public static float[] FullSequences()
    {
        float[] past = Array("past"), future = Array("future");
        int pastRow = InputFrames * FrameSize, futureRow = FutureFrames * FrameSize;
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

    private static int Shape(string key) => Expected("shapes", key).GetInt32();

    public static JsonElement Expected(string section, string key)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PathOf("expected.json")));
        return document.RootElement.GetProperty(section).GetProperty(key).Clone();
    }
}
