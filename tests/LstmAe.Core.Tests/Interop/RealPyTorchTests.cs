using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LstmAe.Core.Tests.TestSupport;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;

namespace LstmAe.Core.Tests.Interop;

/// <summary>
/// A state_dict we write after training is loaded by real PyTorch (strict, into the tutorial's module layout) and
/// gives our outputs. Needs a python3 with torch (Debian: <c>apt-get install python3-torch</c>); where there is none
/// the test is inconclusive, since CI machines need not have PyTorch.
/// </summary>
[TestClass]
public sealed class RealPyTorchTests
{
    // The python3 on PATH may be a separate install (pyenv, venv) without Debian's python3-torch.
    static readonly string[] PythonCandidates = ["python3", "/usr/bin/python3"];
    static readonly string? Python = PythonCandidates.FirstOrDefault(HasTorch);
    static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch", "run_tutorial_model.py");

    [TestMethod]
    [DataRow(TrainingObjective.MeanSquaredError, "raw")]
    [DataRow(TrainingObjective.BinaryCrossEntropy, "sigmoid")]
    public void PyTorchLoadsOurTrainedStateDictAndComputesOurOutputs(TrainingObjective objective, string feedback)
    {
        if (Python is null) Assert.Inconclusive("No python3 with torch here.");
        var options = TinyModels.Options with { Dropout = 0, Objective = objective, Conditioning = DecoderConditioning.Conditional };
        using var model = LstmAutoEncoder.Create(options, seed: 7);
        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 2, BatchSize = 4 }).Fit(TinyModels.Source(options, 8));
        float[] past = TinyModels.Sequences(options, 2, seed: 9)
            .Chunk(options.FullSequenceLength).SelectMany(s => s.Take(options.InputFrames * options.FrameSize)).ToArray();

        using var folder = new TempDirectory();
        string stateDict = folder.File("trained.pt");
        model.SavePyTorchStateDict(stateDict);
        string input = folder.Write("input.json", JsonSerializer.SerializeToUtf8Bytes(new
        {
            frame_size = options.FrameSize,
            hidden = options.HiddenSize,
            layers = options.Layers,
            future_frames = options.FutureFrames,
            feedback,
            past = past.Chunk(options.FrameSize).Chunk(options.InputFrames).ToArray(),
        }));
        JsonNode result = JsonNode.Parse(Run(Python, Script, stateDict, input))!;

        float[] reconstruction = model.Reconstruct(past, 2), prediction = model.Predict(past, 2);
        float[] theirReconstruction = Flatten(result["reconstruction"]!), theirPrediction = Flatten(result["prediction"]!);
        if (objective == TrainingObjective.BinaryCrossEntropy)
        {
            // Ours are pixel values; PyTorch's script returns logits.
            theirReconstruction = theirReconstruction.Select(Sigmoid).ToArray();
            theirPrediction = theirPrediction.Select(Sigmoid).ToArray();
        }
        TensorAssert.AreClose(theirPrediction, prediction, 1e-5, "prediction");
        TensorAssert.AreClose(ReverseFrames(theirReconstruction, options), reconstruction, 1e-5, "reconstruction");
    }

    static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>PyTorch's reconstruction is in decoder order (v_n..v_1); ours is in time order.</summary>
    static float[] ReverseFrames(float[] values, LstmAutoEncoderModelOptions options) =>
        values.Chunk(options.InputFrames * options.FrameSize)
            .SelectMany(sequence => sequence.Chunk(options.FrameSize).Reverse().SelectMany(frame => frame))
            .ToArray();

    static float[] Flatten(JsonNode node) => node is JsonArray array
        ? array.SelectMany(child => Flatten(child!)).ToArray()
        : [node.GetValue<float>()];

    static bool HasTorch(string python)
    {
        try
        {
            Run(python, "-c", "import torch");
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    static string Run(string python, params string[] arguments)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{python} {string.Join(' ', arguments)} failed: {error.Result}");
        return output;
    }
}
