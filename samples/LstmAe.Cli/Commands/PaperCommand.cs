using System.CommandLine;
using System.Globalization;
using LstmAe.Cli.Options;
using LstmAe.Data;
using LstmAe.Model;
using LstmAe.Samples.Shared;
using LstmAe.Training;

namespace LstmAe.Cli.Commands;

/// <summary>
/// <c>lstmae paper</c>: the paper's Moving MNIST experiment against a clock. Trains the Paper preset (overridable)
/// on fresh two-digit clips that never repeat (<see cref="FreshMovingMnistSource"/>) for a time budget, then prints
/// the cross-entropy in nats per frame on held-out sequences whose digits training never saw. Srivastava et al.
/// report 341.2 nats per frame for prediction.
/// </summary>
internal static class PaperCommand
{
    /// <summary>The paper's composite model's prediction cross-entropy on Moving MNIST (Srivastava et al., 2015, table 1).</summary>
    private const double PaperPredictionNats = 341.2;

    /// <summary>Clips per epoch of the fresh source: more than any run takes, so the run is one epoch.</summary>
    private const long EndlessEpoch = 1L << 50;

    public static Command Create(TextWriter output)
    {
        var architecture = new ArchitectureOptions(ArchitectureOptions.PaperPreset);
        var device = new DeviceOption();
        var minutes = new Option<double>("--minutes") { Description = "Training time budget in minutes (evaluation comes after).", DefaultValueFactory = _ => 15 };
        var maxSteps = new Option<long?>("--max-steps") { Description = "Stop earlier, after this many optimiser steps." };
        var batchSize = new Option<int>("--batch-size") { Description = "Sequences per minibatch.", DefaultValueFactory = _ => 128 };
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam's learning rate (constant).", DefaultValueFactory = _ => 5e-4 };
        var gradientClip = new Option<double?>("--gradient-clip") { Description = "Scale gradients down to this global norm when larger (default: no clipping)." };
        var testSequences = new Option<int>("--test-sequences") { Description = "Held-out sequences to score (test digits).", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the weights." };
        var dataSeed = new Option<int>("--data-seed") { Description = "Seed of the training clips and the test sequences." };
        var progressEvery = new Option<int>("--progress-every") { Description = "Steps between progress lines.", DefaultValueFactory = _ => 50 };
        var target = new Option<string?>("--output", "-o") { Description = "Also write the trained model to this file." };
        var force = new Option<bool>("--force") { Description = "Replace the --output file if it exists; without it the command refuses before training." };
        var cudnnFeedback = new Option<bool>("--cudnn-feedback") { Description = "On CUDA, run the conditional decoders through cuDNN one step per call instead of LstmAe's runner (CudaLstmSettings.CudnnForFeedbackDecoders)." };
        minutes.ParseInvariant(value => value > 0 && double.IsFinite(value), "be positive");
        learningRate.ParseInvariant(rate => rate > 0 && double.IsFinite(rate), "be positive");
        gradientClip.ParseInvariant(clip => clip > 0, "be positive");
        maxSteps.RequirePositive();
        batchSize.RequirePositive();
        testSequences.RequirePositive();
        progressEvery.RequirePositive();
        var command = new Command("paper",
            $"Train the paper's model (2 x 2048, conditional decoders) on fresh Moving MNIST clips for a time budget, then print the held-out nats per frame (the paper: {PaperPredictionNats.ToString(CultureInfo.InvariantCulture)} for prediction). A GPU job: pass --device cuda.")
        {
            device.Option, minutes, maxSteps, batchSize, learningRate, gradientClip, testSequences, seed, dataSeed, progressEvery, target, force, cudnnFeedback,
        };
        architecture.AddTo(command);
        command.SetAction(parsed =>
        {
            // Checked (and its folder made) before a run of many minutes, not after it.
            string? path = parsed.GetValue(target) is { } file ? OutputOptions.PrepareFile(file, parsed.GetValue(force)) : null;
            var modelOptions = architecture.Build(parsed, 64, 64, forTraining: true);
            int frames = modelOptions.InputFrames + (modelOptions.HasPredictionDecoder ? modelOptions.FutureFrames : 0);
            var data = new MovingMnistOptions { Seed = parsed.GetValue(dataSeed), FrameCount = frames };
            var train = new FreshMovingMnistSource(data with { Split = DataSplit.Train }, EndlessEpoch);
            using var test = new MovingMnistSequences(data with { Split = DataSplit.Test, SequenceCount = parsed.GetValue(testSequences) });
            var trainingOptions = new TrainingOptions
            {
                Epochs = null,
                MaxSteps = parsed.GetValue(maxSteps) ?? long.MaxValue,
                BatchSize = parsed.GetValue(batchSize),
                LearningRate = parsed.GetValue(learningRate),
                GradientClipNorm = parsed.GetValue(gradientClip),
                Seed = parsed.GetValue(seed),
            };
            // Process-wide, like torch.backends flags: set for this run, restored after it.
            bool previousFeedback = CudaLstmSettings.CudnnForFeedbackDecoders;
            CudaLstmSettings.CudnnForFeedbackDecoders = parsed.GetValue(cudnnFeedback);
            try
            {
                using var model = LstmAutoEncoder.Create(modelOptions, parsed.GetValue(seed), device.Resolve(parsed, "training", output));
                TimeSpan budget = TimeSpan.FromMinutes(parsed.GetValue(minutes));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Training {modelOptions.Layers} x {modelOptions.HiddenSize} units, {modelOptions.Conditioning} decoders{(CudaLstmSettings.CudnnForFeedbackDecoders && model.Device.type == TorchSharp.DeviceType.CUDA ? " (cuDNN)" : "")}, {modelOptions.MatrixPrecision} products, on {model.Device.type} for up to {budget.TotalMinutes:0.##} minutes on fresh two-digit clips (batch {trainingOptions.BatchSize}, Adam {trainingOptions.LearningRate})."));

                using var clock = new CancellationTokenSource(budget);
                var result = new AutoEncoderTrainer(model, trainingOptions).Fit(train, progress: new ProgressLines(output, parsed.GetValue(progressEvery)), cancellationToken: clock.Token);
                long sequences = result.Steps * trainingOptions.BatchSize;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Trained {result.Steps} steps ({sequences:N0} clips, none repeated) in {result.Elapsed.TotalSeconds:F0} s: {sequences / result.Elapsed.TotalSeconds:F1} sequences/s ({result.StopReason})."));
                if (path is not null)
                {
                    ModelFile.Save(model, path);
                    output.WriteLine($"Wrote {path}.");
                }

                output.WriteLine($"Test set: {test.Description}, digits training never saw.");
                var evaluation = ModelEvaluation.Run(model, test, frames, Math.Min(trainingOptions.BatchSize, 256));
                evaluation.WriteTable(output);
                if (evaluation.Prediction is { } prediction)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Prediction: {prediction.CrossEntropyNats:F1} nats per frame on held-out digits (the paper: {PaperPredictionNats:F1})."));
                }
                return ExitCodes.Success;
            }
            finally
            {
                CudaLstmSettings.CudnnForFeedbackDecoders = previousFeedback;
            }
        });
        return command;
    }
}
