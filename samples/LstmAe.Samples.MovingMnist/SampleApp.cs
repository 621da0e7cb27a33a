using System.CommandLine;
using LstmAe.Model;
using LstmAe.Samples.MovingMnist.Reporting;
using LstmAe.Samples.Shared;
using Spectre.Console;

namespace LstmAe.Samples.MovingMnist;

/// <summary>The sample's command line: settings from arguments, then one run. Callable in-process by tests.</summary>
public static class SampleApp
{
    /// <summary>The sample's name in help and errors.</summary>
    public const string Name = "lstmae-sample";

    /// <summary>Parses the arguments and runs the sample.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Receives the report (plain lines unless <paramref name="interactive"/>).</param>
    /// <param name="error">Receives the one-line error, if any.</param>
    /// <param name="interactive">Draw live progress and tables on the terminal instead of plain lines.</param>
    /// <returns>0 on success, 1 when the run failed, 2 for bad arguments.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive = false)
    {
        var outputFolder = new Option<string>("--output", "-o") { Description = "Folder for the model, pictures and results.", DefaultValueFactory = _ => SampleSettings.Default.OutputFolder };
        var force = new Option<bool>("--force") { Description = "Write into a non-empty output folder: the sample's own files from an earlier run are replaced, other files left alone." };
        var tiny = new Option<bool>("--tiny") { Description = "A seconds-long run on 32x32 frames with a tiny model, to check the plumbing." };
        var trainSequences = PositiveOption("--train-sequences", "Training sequences to generate.");
        var epochs = PositiveOption("--epochs", "Passes over the training sequences.");
        var hidden = PositiveOption("--hidden", "Units in the LSTM layer.");
        var batchSize = PositiveOption("--batch-size", "Sequences per training step.");
        var learningRate = new Option<double?>("--learning-rate") { Description = "Adam's learning rate at the first step; it decays along a cosine to a tenth of it. Overrides the preset." }.ParseInvariant(rate => rate > 0 && double.IsFinite(rate), "be a positive number");
        var classifierSequences = PositiveOption("--classifier-sequences", "Labelled sequences for the classifiers (the 'all labels' column).");
        var seed = new Option<int?>("--seed") { Description = "Seed of the data and the weights." };
        var precision = new Option<MatrixPrecision?>("--precision") { Description = $"Matrix product format: Float32 or BFloat16 (default: the faster on this CPU, here {MatrixPrecisionSupport.Fastest})." };
        var device = new Option<string>("--device")
        {
            Description = "Where the model trains and runs: cpu, cuda (the first GPU) or cuda:N. Without CUDA, cuda falls back to the CPU with a warning.",
            DefaultValueFactory = _ => "cpu",
        };
        device.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (!TorchDevices.IsKnown(value)) result.AddError($"--device must be cpu, cuda or cuda:N (such as cuda:1); got '{value}'.");
        });
        var features = new Option<EncoderFeatures?>("--features") { Description = "The encoder state that forms the features (default: the sample's)." };
        var conditioning = new Option<DecoderConditioning?>("--conditioning") { Description = "What the decoders see after their first step: Unconditioned (default) or Conditional." };
        var seeds = PositiveOption("--classifier-seeds", "Seeds of the classification data, for the mean and standard deviation.");
        var maxSpeed = new Option<float?>("--max-speed") { Description = "Draw each digit's speed from [3.6, this] pixels per frame, and add a speed-band task." };
        var compareFeatures = new Option<bool>("--compare-feature-sets") { Description = "Also score every other encoder feature set of the trained model." };
        var root = new RootCommand("Composite LSTM autoencoder on Moving MNIST with ML.NET: train, save and load, score, draw, and classify with its features.")
        {
            outputFolder, force, tiny, trainSequences, epochs, hidden, batchSize, learningRate, classifierSequences, seed, precision,
            device, features, conditioning, seeds, maxSpeed, compareFeatures,
        };

        root.SetAction(result =>
        {
            var preset = result.GetValue(tiny) ? SampleSettings.Tiny : SampleSettings.Default;
            var settings = preset with
            {
                OutputFolder = result.GetValue(outputFolder)!,
                Force = result.GetValue(force),
                TrainSequences = result.GetValue(trainSequences) ?? preset.TrainSequences,
                Epochs = result.GetValue(epochs) ?? preset.Epochs,
                HiddenSize = result.GetValue(hidden) ?? preset.HiddenSize,
                BatchSize = result.GetValue(batchSize) ?? preset.BatchSize,
                LearningRate = result.GetValue(learningRate) ?? preset.LearningRate,
                ClassifierTrainSequences = result.GetValue(classifierSequences) ?? preset.ClassifierTrainSequences,
                Seed = result.GetValue(seed) ?? preset.Seed,
                MatrixPrecision = result.GetValue(precision) ?? preset.MatrixPrecision,
                Device = result.GetValue(device)!,
                Features = result.GetValue(features) ?? preset.Features,
                Conditioning = result.GetValue(conditioning) ?? preset.Conditioning,
                ClassifierSeeds = result.GetValue(seeds) ?? preset.ClassifierSeeds,
                MaxSpeed = result.GetValue(maxSpeed) ?? preset.MaxSpeed,
                CompareFeatureSets = result.GetValue(compareFeatures) || preset.CompareFeatureSets,
            };
            int frameSize = settings.FrameSize * settings.FrameSize;
            ISampleConsole console = interactive ? new LiveSampleConsole(AnsiConsole.Console, frameSize) : new PlainSampleConsole(output, frameSize);
            new MovingMnistSample(settings, console).Run();
            return 0;
        });
        return CommandLineErrors.Invoke(root.Parse(args), Name, output, error);
    }

    private static Option<int?> PositiveOption(string name, string description) =>
        new Option<int?>(name) { Description = description + " Overrides the preset." }.RequirePositive();
}
