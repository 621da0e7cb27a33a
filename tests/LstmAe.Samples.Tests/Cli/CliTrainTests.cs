using ImageMagick;
using ImageMagick.Drawing;
using LstmAe.Cli;
using LstmAe.Model;
using LstmAe.Tests.Shared;

namespace LstmAe.Samples.Tests.Cli;

[TestClass]
public sealed class CliTrainTests
{
    // A few steps of a tiny model on four 4-frame sequences: seconds on two cores.
    private static readonly string[] Tiny =
    [
        "--sequences", "6", "--frames-per-sequence", "4", "--hidden", "8", "--input-frames", "2", "--future-frames", "2",
        "--batch-size", "2", "--validation-fraction", "0.34", "--progress-every", "1", "--gradient-clip", "1",
    ];

    [TestMethod]
    public void TheDefaultPresetTrainsInTheEstimatorsDefaultPrecisionAndPaperInFloat32()
    {
        using var folder = new TempDirectory();
        string model = folder.File("tiny.lstmae"), paper = folder.File("paper.lstmae");

        var run = CliResult.Run(["train", "--output", model, "--epochs", "1", .. Tiny]);
        var paperRun = CliResult.Run(["train", "--output", paper, "--epochs", "1", "--preset", "paper", "--layers", "1", .. Tiny]);

        run.AssertSucceeded();
        paperRun.AssertSucceeded();
        // LstmAutoEncode's default model: bf16 where this CPU has it natively, else float32.
        StringAssert.Contains(run.Output, $"{LstmAe.MLNet.LstmAutoEncoderOptions.DefaultModel.MatrixPrecision} products.");
        StringAssert.Contains(paperRun.Output, "Float32 products.");
    }

    [TestMethod]
    public void TrainWritesAModelThatLoadsWithTheRequestedArchitecture()
    {
        using var folder = new TempDirectory();
        string model = folder.File("tiny.lstmae");

        var run = CliResult.Run(["train", "--output", model, "--epochs", "1", "--precision", "BFloat16", .. Tiny]);

        run.AssertSucceeded();
        StringAssert.Contains(run.Output, "step      1  epoch   1  loss");
        Assert.IsFalse(run.Output.Contains("epoch   0", StringComparison.Ordinal), "Epochs count from 1, as the sample prints them.");
        StringAssert.Contains(run.Output, "validation loss");
        StringAssert.Contains(run.Output, "nats/frame");
        StringAssert.Contains(run.Output, "after 2 steps");
        using var stream = File.OpenRead(model);
        using var loaded = LstmAutoEncoder.Load(stream);
        Assert.AreEqual(8, loaded.Options.HiddenSize);
        Assert.AreEqual(2, loaded.Options.FutureFrames);
        // Saved as BFloat16; loading keeps it where this CPU runs bf16 natively.
        Assert.AreEqual(MatrixPrecisionSupport.ForThisCpu(MatrixPrecision.BFloat16), loaded.Options.MatrixPrecision);
        Assert.IsTrue(File.Exists(model + ".ckpt"));
    }

    [TestMethod]
    public void TrainResumesFromItsCheckpoint()
    {
        using var folder = new TempDirectory();
        string model = folder.File("tiny.lstmae");
        CliResult.Run(["train", "--output", model, "--max-steps", "1", .. Tiny]).AssertSucceeded();

        var resumed = CliResult.Run(["train", "--output", model, "--force", "--resume", "--max-steps", "3", .. Tiny]);

        resumed.AssertSucceeded();
        StringAssert.Contains(resumed.Output, "after 3 steps");
        Assert.IsFalse(resumed.Output.Contains("step      1 ", StringComparison.Ordinal), "Step 1 should not be trained again.");
    }

    [TestMethod]
    public void AFailingForcedTrainLeavesTheOldModelAndCheckpointUntouched()
    {
        using var folder = new TempDirectory();
        string model = folder.File("tiny.lstmae");
        CliResult.Run(["train", "--output", model, "--max-steps", "1", .. Tiny]).AssertSucceeded();
        byte[] oldModel = File.ReadAllBytes(model), oldCheckpoint = File.ReadAllBytes(model + ".ckpt");

        // Too few frames for 2 + 2: the run fails after parsing, once it has looked at the data.
        string[] tooShort = [.. Tiny.Select(argument => argument == "4" ? "3" : argument)];
        CliResult.Run(["train", "--output", model, "--force", .. tooShort])
            .AssertFailed(ExitCodes.Failure, "needs 2 + 2 frames");

        CollectionAssert.AreEqual(oldModel, File.ReadAllBytes(model));
        CollectionAssert.AreEqual(oldCheckpoint, File.ReadAllBytes(model + ".ckpt"));
        Assert.HasCount(2, Directory.GetFiles(folder.Path), "No temporary file is left behind.");
    }

    [TestMethod]
    public void TrainRejectsBadArgumentsInOneLine()
    {
        using var folder = new TempDirectory();
        string model = folder.File("tiny.lstmae");

        CliResult.Run(["train", "--output", model, "--epochs", "0"]).AssertFailed(ExitCodes.Usage, "--epochs must be positive");
        CliResult.Run(["train", "--output", model, "--learning-rate", "-1"]).AssertFailed(ExitCodes.Usage, "--learning-rate must be positive");
        CliResult.Run(["train", "--output", model, "--gradient-clip", "0"]).AssertFailed(ExitCodes.Usage, "--gradient-clip must be positive");
        CliResult.Run(["train", "--output", model, "--learning-rate", "abc"]).AssertFailed(ExitCodes.Usage, "--learning-rate must be a number");
        CliResult.Run(["train", "--output", model, "--validation-fraction", "1"]).AssertFailed(ExitCodes.Usage, "--validation-fraction must be in [0, 1); got 1");
        CliResult.Run(["train", "--output", model, "--data", "npy"]).AssertFailed(ExitCodes.Usage, "--data npy needs --path");
        CliResult.Run(["train", "--output", model, "--data", "video"]).AssertFailed(ExitCodes.Usage, "video");
        CliResult.Run(["train", "--output", model, "--resume"]).AssertFailed(ExitCodes.Failure, "no checkpoint");
        CliResult.Run(["train", "--output", model, "--epochs", "1", "--frames-per-sequence", "3", "--sequences", "2", "--input-frames", "2", "--future-frames", "2", "--hidden", "8"])
            .AssertFailed(ExitCodes.Failure, "needs 2 + 2 frames");
        Assert.IsFalse(File.Exists(model));
    }

    [TestMethod]
    public void OptionsTheChosenDataSourceWouldIgnoreAreRejected()
    {
        using var folder = new TempDirectory();
        string model = folder.File("tiny.lstmae"), npy = Path.Combine(AppContext.BaseDirectory, "Fixtures", "time_major_u8.npy");

        CliResult.Run(["train", "--output", model, "--path", npy])
            .AssertFailed(ExitCodes.Usage, "--path does not apply to --data moving-mnist; it is for --data npy or frames.");
        CliResult.Run(["train", "--output", model, "--data", "npy", "--path", npy, "--digits", "1"])
            .AssertFailed(ExitCodes.Usage, "--digits does not apply to --data npy");
        CliResult.Run(["train", "--output", model, "--data", "npy", "--path", npy, "--frame-height", "32"])
            .AssertFailed(ExitCodes.Usage, "--frame-height does not apply to --data npy");
        CliResult.Run(["train", "--output", model, "--data", "frames", "--path", folder.Path, "--data-seed", "3"])
            .AssertFailed(ExitCodes.Usage, "--data-seed does not apply to --data frames");
        CliResult.Run(["train", "--output", model, "--layout", "BatchMajor"])
            .AssertFailed(ExitCodes.Usage, "--layout does not apply to --data moving-mnist");
        Assert.IsFalse(File.Exists(model));
    }

    [TestMethod]
    public void TrainAndEvaluateReadFrameFolders()
    {
        using var folder = new TempDirectory();
        string frames = Path.Combine(folder.Path, "frames");
        WriteFrameFolders(frames, sequences: 3, framesPerSequence: 4, size: 16);
        string model = folder.File("frames.lstmae");
        string[] source = ["--data", "frames", "--path", frames, "--frame-height", "16", "--frame-width", "16"];

        CliResult.Run(["train", "--output", model, "--epochs", "1", "--hidden", "4", "--input-frames", "2", "--future-frames", "2",
            "--validation-fraction", "0", .. source]).AssertSucceeded();
        var evaluation = CliResult.Run(["evaluate", "--model", model, .. source]);

        evaluation.AssertSucceeded();
        StringAssert.Contains(evaluation.Output, "3 frame sequences in");
        StringAssert.Contains(evaluation.Output, "SSIM");
    }

    [TestMethod]
    public void ClassFoldersTrainAndEncodeWithTheImagesSizeNamesAndLabels()
    {
        using var folder = new TempDirectory();
        string root = Path.Combine(folder.Path, "classes");
        WriteFrameFolders(Path.Combine(root, "left"), sequences: 2, framesPerSequence: 4, size: 16);
        WriteFrameFolders(Path.Combine(root, "right"), sequences: 1, framesPerSequence: 4, size: 16);
        string model = folder.File("classes.lstmae"), csv = folder.File("classes.csv");
        string[] source = ["--data", "frames", "--path", root, "--class-folders"];

        // No --frame-height: train keeps frames up to the presets' 64 x 64 at their size; encode resizes to the model's.
        var train = CliResult.Run(["train", "--output", model, "--epochs", "1", "--hidden", "4", "--input-frames", "2", "--future-frames", "2",
            "--validation-fraction", "0", .. source]);
        CliResult.Run(["encode", "--model", model, "--output", csv, .. source]).AssertSucceeded();

        train.AssertSucceeded();
        using (var stream = File.OpenRead(model))
        using (var loaded = LstmAutoEncoder.Load(stream))
        {
            Assert.AreEqual((16, 16), (loaded.Options.FrameHeight, loaded.Options.FrameWidth));
        }
        StringAssert.Contains(train.Output, "frames of 16x16:");
        // Larger than 64 x 64: shrunk to it.
        string large = Path.Combine(folder.Path, "large");
        WriteFrameFolders(large, sequences: 1, framesPerSequence: 4, size: 80);
        string largeModel = folder.File("large.lstmae");
        CliResult.Run(["train", "--output", largeModel, "--epochs", "1", "--hidden", "4", "--input-frames", "2", "--future-frames", "2",
            "--validation-fraction", "0", "--data", "frames", "--path", large]).AssertSucceeded();
        using (var stream = File.OpenRead(largeModel))
        using (var loaded = LstmAutoEncoder.Load(stream))
        {
            Assert.AreEqual((64, 64), (loaded.Options.FrameHeight, loaded.Options.FrameWidth));
        }
        string[] lines = File.ReadAllLines(csv);
        StringAssert.StartsWith(lines[0], "sequence,name,label,f0,");
        string[] rows = ["0,left/clip0,left,", "1,left/clip1,left,", "2,right/clip0,right,"];
        for (int row = 0; row < rows.Length; row++)
        {
            StringAssert.StartsWith(lines[row + 1], rows[row]);
        }
    }

    /// <summary>Sequences of a bright square moving one pixel per frame, one PNG per frame.</summary>
    private static void WriteFrameFolders(string root, int sequences, int framesPerSequence, int size)
    {
        for (int s = 0; s < sequences; s++)
        {
            string sequence = Path.Combine(root, $"clip{s}");
            Directory.CreateDirectory(sequence);
            for (int t = 0; t < framesPerSequence; t++)
            {
                using var image = new MagickImage(MagickColors.Black, (uint)size, (uint)size);
                new Drawables().FillColor(MagickColors.White).Rectangle(s + t, 4, s + t + 4, 8).Draw(image);
                image.Write(Path.Combine(sequence, $"frame{t}.png"), MagickFormat.Png);
            }
        }
    }
}
