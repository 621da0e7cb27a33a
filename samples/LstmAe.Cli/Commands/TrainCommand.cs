using System.CommandLine;
using System.Globalization;
using LstmAe.Cli.Options;
using LstmAe.Data;
using LstmAe.Model;
using LstmAe.Training;

namespace LstmAe.Cli.Commands;

/// <summary><c>lstmae train</c>: trains a new model (or resumes a checkpoint) and writes the model file.</summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var data = new DataOptions(defaultSequences: 1000, defaultSplit: DataSplit.Train);
        var architecture = new ArchitectureOptions();
        var training = new TrainingArguments();
        var target = new OutputOptions($"The model file to write (*{ModelFile.Extension}).");
        var device = new DeviceOption();
        var command = new Command("train", "Train a composite LSTM autoencoder on generated Moving MNIST, a .npy array or frame folders.")
        {
            device.Option,
        };
        data.AddTo(command);
        architecture.AddTo(command);
        training.AddTo(command);
        target.AddTo(command);
        command.SetAction(parsed =>
        {
            string path = target.File(parsed);
            var trainingOptions = training.Build(parsed, path);
            if (trainingOptions.ResumeFromCheckpoint is false && File.Exists(trainingOptions.CheckpointPath) && !parsed.GetValue(target.Force))
            {
                throw new CliException($"The checkpoint '{trainingOptions.CheckpointPath}' exists; pass --resume to continue it or --force to start afresh.");
            }
            // Frame images larger than the presets' 64 x 64 are shrunk to it: camera frames would make a model too
            // large to train.
            using var sequences = data.OpenForTraining(parsed, (LstmAutoEncoderModelOptions.CpuDefault.FrameHeight, LstmAutoEncoderModelOptions.CpuDefault.FrameWidth));
            var modelOptions = architecture.Build(parsed, sequences.FrameHeight, sequences.FrameWidth, forTraining: true);
            using var model = LstmAutoEncoder.Create(modelOptions, parsed.GetValue(training.Seed), device.Resolve(parsed, "training", output));
            int frames = data.FramesFor(parsed, sequences, modelOptions);
            var (train, validation, held) = Split(sequences, modelOptions, frames, parsed.GetValue(training.ValidationFraction), parsed.GetValue(training.Seed));
            // Nothing is deleted: a fresh run replaces the old checkpoint (atomically) only once training starts,
            // and the model file only once training is done, so a run that fails its checks leaves both intact.

            string heldOut = held == 0 ? "" : $" ({sequences.Count - held} train, the last {held} validate)";
            output.WriteLine($"Training on {sequences.Description}{heldOut}, frames of {modelOptions.FrameHeight}x{modelOptions.FrameWidth}: {modelOptions.Layers} x {modelOptions.HiddenSize} units, {modelOptions.Mode}, {modelOptions.Objective}, {modelOptions.MatrixPrecision} products.");
            var progress = new ProgressLines(output, parsed.GetValue(training.ProgressEvery));
            var result = new AutoEncoderTrainer(model, trainingOptions).Fit(train, validation, progress);
            ModelFile.Save(model, path);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Stopped ({result.StopReason}) after {result.Steps} steps, {result.Epochs} epochs, {result.Elapsed.TotalSeconds:F0} s; best validation loss {result.BestValidationLoss:F4}."));
            output.WriteLine($"Wrote {path} (checkpoint: {trainingOptions.CheckpointPath}).");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The first sequences train; the last <paramref name="validationFraction"/> validate (<c>Held</c> of them).</summary>
    private static (ISequenceSource Train, ISequenceSource? Validation, int Held) Split(
        ISequenceCollection data, LstmAutoEncoderModelOptions model, int frames, double validationFraction, int seed)
    {
        if (model.HasPredictionDecoder && frames < model.InputFrames + model.FutureFrames)
        {
            throw new CliException(
                $"Training prediction needs {model.InputFrames} + {model.FutureFrames} frames per sequence but {data.Description} have {data.FrameCount}; " +
                "use longer sequences, fewer --future-frames or --mode ReconstructionOnly.");
        }
        int held = (int)Math.Round(data.Count * validationFraction);
        if (held >= data.Count)
        {
            throw new CliException($"--validation-fraction {validationFraction} leaves no training sequences of {data.Count}.");
        }
        var train = new SequenceCollectionSource(data, 0, data.Count - held, frames, shuffle: true, seed);
        var validation = held == 0 ? null : new SequenceCollectionSource(data, data.Count - held, held, frames, shuffle: false, seed);
        return (train, validation, held);
    }
}
