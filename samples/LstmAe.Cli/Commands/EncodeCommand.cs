using System.CommandLine;
using LstmAe.Cli.Features;
using LstmAe.Cli.Options;
using LstmAe.Data;
using LstmAe.Model;

namespace LstmAe.Cli.Commands;

/// <summary><c>lstmae encode</c>: writes the encoder's feature vector of every sequence to CSV or Parquet, with its
/// class name when the sequences have labels (generated ones: the first digit's class).</summary>
internal static class EncodeCommand
{
    public static Command Create(TextWriter output)
    {
        var model = ModelOptions.CreateModelOption();
        var device = new DeviceOption();
        var data = new DataOptions(defaultSequences: 1000, defaultSplit: DataSplit.Test, withLabels: true);
        var target = new OutputOptions("The feature file: *.csv or *.parquet (one row per sequence: 'sequence', 'name' for frame folders, 'label' when the data has labels, then f0, f1, ...).");
        var features = new Option<EncoderFeatures>("--features")
        {
            Description = "Which encoder state: LastLayerHidden, LastLayerHiddenAndCell, AllLayersHidden, AllLayersHiddenAndCell or LastLayerHiddenMeanOverTime.",
            DefaultValueFactory = _ => EncoderFeatures.LastLayerHiddenAndCell, // LstmAutoEncode's default
        };
        var batchSize = ModelOptions.CreateBatchSizeOption(64);
        var command = new Command("encode", "Encode sequences into feature vectors for other tools (CSV or Parquet).")
        {
            model, device.Option, features, batchSize,
        };
        data.AddTo(command);
        target.AddTo(command);
        command.Validators.Add(result =>
        {
            string extension = Path.GetExtension(result.GetValue(target.Output) ?? "").ToLowerInvariant();
            if (extension is not (".csv" or ".parquet"))
            {
                result.AddError("--output must end in .csv or .parquet.");
            }
        });
        command.SetAction(parsed =>
        {
            string path = target.File(parsed);
            using var autoEncoder = ModelFile.Load(parsed.GetRequiredValue(model), device.Resolve(parsed, "running the model", output));
            var opened = data.OpenNamed(parsed, (autoEncoder.Options.FrameHeight, autoEncoder.Options.FrameWidth));
            using ISequenceCollection sequences = opened.Data;
            IReadOnlyList<string>? names = opened.Names;
            int frames = data.FramesFor(parsed, sequences, autoEncoder.Options);
            var table = Encode(autoEncoder, sequences, frames, parsed.GetValue(features), parsed.GetValue(batchSize)) with { Names = names };
            FeatureTableWriter.Write(table, path);
            output.WriteLine($"Wrote {table.Rows} x {table.Width} features of {sequences.Description} to {path}.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static FeatureTable Encode(LstmAutoEncoder model, ISequenceCollection data, int frames, EncoderFeatures features, int batchSize)
    {
        int width = model.Options.FeatureSize(features);
        var values = new float[(long)data.Count * width];
        foreach (var (first, count) in SequenceBatch.Batches(data.Count, batchSize))
        {
            float[] rows = SequenceBatch.Read(data, first, count, frames);
            model.Encode(rows, count, features, values.AsSpan(first * width, count * width));
        }
        string[]? labels = data.ClassNames is { } names
            ? Enumerable.Range(0, data.Count).Select(i => names[data.Label(i)!.Value]).ToArray()
            : null;
        return new FeatureTable(Enumerable.Range(0, data.Count).ToArray(), values, width, labels);
    }
}
