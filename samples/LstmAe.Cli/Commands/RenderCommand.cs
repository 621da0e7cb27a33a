using System.CommandLine;
using LstmAe.Cli.Options;
using LstmAe.Data;
using LstmAe.Model;
using LstmAe.Samples.Shared;
using LstmAe.Visualization;

namespace LstmAe.Cli.Commands;

/// <summary><c>lstmae render</c>: animated GIFs and a contact sheet of input vs reconstruction vs prediction.</summary>
internal static class RenderCommand
{
    public static Command Create(TextWriter output)
    {
        var model = ModelOptions.CreateModelOption();
        var data = new DataOptions(defaultSequences: 4, defaultSplit: DataSplit.Test, limitEverySource: true);
        var batchSize = ModelOptions.CreateBatchSizeOption(16);
        var target = new OutputOptions("The folder for the pictures (created if missing).");
        var scale = new Option<int>("--scale")
        {
            Description = "Image pixels per frame pixel.",
            DefaultValueFactory = _ => RenderOptions.Default.Scale,
        };
        scale.RequirePositive();
        var device = new DeviceOption();
        var command = new Command("render", $"Draw sequences with the model's reconstruction and prediction: one GIF per sequence ({ComparisonPictures.AnimationFile(0)}, ...) and {ComparisonPictures.ContactSheetFile}.")
        {
            model, device.Option, scale, batchSize,
        };
        data.AddTo(command);
        target.AddTo(command);
        command.SetAction(parsed =>
        {
            string folder = target.Folder(parsed);
            using var autoEncoder = ModelFile.Load(parsed.GetRequiredValue(model), device.Resolve(parsed, "running the model", output));
            using var sequences = data.Open(parsed, (autoEncoder.Options.FrameHeight, autoEncoder.Options.FrameWidth));
            var comparisons = Compare(autoEncoder, sequences, data.FramesFor(parsed, sequences, autoEncoder.Options), parsed.GetValue(batchSize));
            var layout = RenderOptions.Default with { Scale = parsed.GetValue(scale) };
            ComparisonPictures.Write(folder, comparisons, layout, layout with { Scale = 1 });
            output.WriteLine($"Drew {comparisons.Count} of {sequences.Description} into {folder}.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Each sequence with what the model makes of it, running the model one batch at a time.</summary>
    internal static IReadOnlyList<SequenceComparison> Compare(LstmAutoEncoder model, ISequenceCollection data, int frames, int batchSize)
    {
        var options = model.Options;
        int stride = frames * options.FrameSize, input = options.InputSequenceLength, future = options.FutureFrames * options.FrameSize;
        var comparisons = new List<SequenceComparison>(data.Count);
        foreach (var (first, count) in SequenceBatch.Batches(data.Count, batchSize))
        {
            float[] rows = SequenceBatch.Read(data, first, count, frames);
            float[]? reconstructions = options.HasReconstructionDecoder ? model.Reconstruct(rows, count) : null;
            float[]? predictions = options.HasPredictionDecoder ? model.Predict(rows, count) : null;
            for (int i = 0; i < count; i++)
            {
                comparisons.Add(new SequenceComparison(
                    options.FrameHeight,
                    options.FrameWidth,
                    Input: rows.AsSpan(i * stride, input).ToArray(),
                    Future: frames > options.InputFrames ? rows.AsSpan(i * stride + input, future).ToArray() : null,
                    Reconstruction: reconstructions?.AsSpan(i * input, input).ToArray(),
                    Prediction: predictions?.AsSpan(i * future, future).ToArray()));
            }
        }
        return comparisons;
    }
}
