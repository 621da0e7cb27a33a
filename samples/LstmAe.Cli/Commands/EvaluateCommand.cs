using System.CommandLine;
using LstmAe.Cli.Options;
using LstmAe.Data;

namespace LstmAe.Cli.Commands;

/// <summary><c>lstmae evaluate</c>: frame metrics of a model on a set of sequences.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter output)
    {
        var model = ModelOptions.CreateModelOption();
        var device = new DeviceOption();
        var data = new DataOptions(defaultSequences: 256, defaultSplit: DataSplit.Test);
        var batchSize = ModelOptions.CreateBatchSizeOption(64);
        var command = new Command("evaluate", "Score a model's reconstructions and predictions: cross-entropy (nats per frame), MSE and MAE per frame, SSIM.")
        {
            model, device.Option, batchSize,
        };
        data.AddTo(command);
        command.SetAction(parsed =>
        {
            using var autoEncoder = ModelFile.Load(parsed.GetRequiredValue(model), device.Resolve(parsed, "running the model", output));
            using var sequences = data.Open(parsed, (autoEncoder.Options.FrameHeight, autoEncoder.Options.FrameWidth));
            output.WriteLine($"Evaluating on {sequences.Description}.");
            int frames = data.FramesFor(parsed, sequences, autoEncoder.Options);
            ModelEvaluation.Run(autoEncoder, sequences, frames, parsed.GetValue(batchSize)).WriteTable(output);
            return ExitCodes.Success;
        });
        return command;
    }
}
