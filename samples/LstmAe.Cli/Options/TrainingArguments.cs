using System.CommandLine;
using LstmAe.Samples.Shared;
using LstmAe.Training;

namespace LstmAe.Cli.Options;

/// <summary>The options of a training run: length, optimiser, validation split and checkpoints.</summary>
internal sealed class TrainingArguments
{
    public TrainingArguments()
    {
        TrainingOptions defaults = TrainingOptions.CpuDefault;
        Epochs = new Option<int>("--epochs") { Description = "Passes over the training sequences.", DefaultValueFactory = _ => defaults.Epochs ?? 2 };
        MaxSteps = new Option<long?>("--max-steps") { Description = "Stop after this many optimiser steps in all (counting steps before a resume)." };
        BatchSize = new Option<int>("--batch-size") { Description = "Sequences per minibatch.", DefaultValueFactory = _ => defaults.BatchSize };
        LearningRate = new Option<double>("--learning-rate") { Description = "Adam's learning rate at the first step; it decays along the preset's schedule (a cosine to a tenth by the last step).", DefaultValueFactory = _ => defaults.LearningRate };
        GradientClip = new Option<double?>("--gradient-clip") { Description = "Scale gradients down to this global norm when larger.", DefaultValueFactory = _ => defaults.GradientClipNorm };
        ValidationFraction = new Option<double>("--validation-fraction")
        {
            Description = "Share of the sequences held out (the last ones) to report validation loss.",
            DefaultValueFactory = _ => 0.1,
        };
        Seed = new Option<int>("--seed") { Description = "Seed of the weights and the shuffling." };
        Checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file written during training (default: the output file + .ckpt)." };
        CheckpointEvery = new Option<int?>("--checkpoint-every") { Description = "Steps between checkpoints (one is always written at the end)." };
        Resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint file instead of starting afresh." };
        ProgressEvery = new Option<int>("--progress-every") { Description = "Steps between progress lines.", DefaultValueFactory = _ => 10 };

        LearningRate.ParseInvariant(rate => rate > 0 && double.IsFinite(rate), "be positive");
        GradientClip.ParseInvariant(clip => clip > 0, "be positive");
        ValidationFraction.ParseInvariant(fraction => fraction is >= 0 and < 1, "be in [0, 1)");
        Epochs.RequirePositive();
        BatchSize.RequirePositive();
        ProgressEvery.RequirePositive();
        MaxSteps.RequirePositive();
        CheckpointEvery.RequirePositive();
    }

    public Option<int> Epochs { get; }
    public Option<long?> MaxSteps { get; }
    public Option<int> BatchSize { get; }
    public Option<double> LearningRate { get; }
    public Option<double?> GradientClip { get; }
    public Option<double> ValidationFraction { get; }
    public Option<int> Seed { get; }
    public Option<string?> Checkpoint { get; }
    public Option<int?> CheckpointEvery { get; }
    public Option<bool> Resume { get; }
    public Option<int> ProgressEvery { get; }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Epochs, MaxSteps, BatchSize, LearningRate, GradientClip, ValidationFraction, Seed, Checkpoint, CheckpointEvery, Resume, ProgressEvery })
        {
            command.Add(option);
        }
    }

    /// <summary>The trainer's options: <see cref="TrainingOptions.CpuDefault"/> with the given values; resuming needs an
    /// existing checkpoint.</summary>
    public TrainingOptions Build(ParseResult parsed, string modelPath)
    {
        string checkpoint = Path.GetFullPath(parsed.GetValue(Checkpoint) ?? modelPath + ".ckpt");
        bool resume = parsed.GetValue(Resume);
        if (resume && !File.Exists(checkpoint))
        {
            throw new CliException($"--resume: there is no checkpoint '{checkpoint}' to continue from.");
        }
        return TrainingOptions.CpuDefault with
        {
            Epochs = parsed.GetValue(Epochs),
            MaxSteps = parsed.GetValue(MaxSteps),
            BatchSize = parsed.GetValue(BatchSize),
            LearningRate = parsed.GetValue(LearningRate),
            GradientClipNorm = parsed.GetValue(GradientClip),
            Seed = parsed.GetValue(Seed),
            CheckpointPath = checkpoint,
            CheckpointEverySteps = parsed.GetValue(CheckpointEvery),
            ResumeFromCheckpoint = resume,
        };
    }
}
