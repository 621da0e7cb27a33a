using System.Globalization;
using LstmAe.Cli;
using LstmAe.Model;
using LstmAe.Samples.Tests.Visualization;
using LstmAe.Tests.Shared;
using Parquet;

namespace LstmAe.Samples.Tests.Cli;

[TestClass]
public sealed class CliCommandTests
{
    private static readonly string[] Subcommands = ["train", "evaluate", "encode", "render", "import-pytorch", "export-pytorch", "export-onnx"];

    [TestMethod]
    public void HelpListsEverySubcommandAndEachHasItsOwnHelp()
    {
        var root = CliResult.Run("--help");
        root.AssertSucceeded();
        foreach (string subcommand in Subcommands)
        {
            StringAssert.Contains(root.Output, subcommand);
            var help = CliResult.Run(subcommand, "--help");
            help.AssertSucceeded();
            StringAssert.Contains(help.Output, "--");
        }
    }

    [TestMethod]
    public void AnUnknownSubcommandIsOneLineAndAUsageExitCode()
    {
        CliResult.Run("fly").AssertFailed(ExitCodes.Usage, "fly");
        CliResult.Run().AssertFailed(ExitCodes.Usage, "lstmae");
    }

    [TestMethod]
    public void EvaluatePrintsMetricsOfBothDecoders()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));

        var run = CliResult.Run(["evaluate", "--model", model, .. TinyModel.DataArguments]);

        run.AssertSucceeded();
        StringAssert.Contains(run.Output, "BCE nats/frame");
        StringAssert.Matches(run.Output, new System.Text.RegularExpressions.Regex(@"reconstruction\s+6\s+\d+\.\d"));
        StringAssert.Matches(run.Output, new System.Text.RegularExpressions.Regex(@"prediction\s+6\s+\d+\.\d"));
    }

    [TestMethod]
    public void EvaluateRejectsMissingAndBrokenModels()
    {
        using var folder = new TempDirectory();
        CliResult.Run("evaluate").AssertFailed(ExitCodes.Usage, "--model");
        CliResult.Run("evaluate", "--model", folder.File("none.lstmae")).AssertFailed(ExitCodes.Usage, "is not a file");
        File.WriteAllText(folder.File("junk.lstmae"), "not a model");
        CliResult.Run("evaluate", "--model", folder.File("junk.lstmae")).AssertFailed(ExitCodes.Failure, "not a readable LstmAe model");
        CliResult.Run(["evaluate", "--model", TinyModel.Save(folder.File("tiny.lstmae")), "--sequences", "-3"])
            .AssertFailed(ExitCodes.Usage, "--sequences must be positive");
    }

    [TestMethod]
    [Timeout(60_000)] // not cooperative: a reader blocked in open() never looks at a token
    public void AModelPathNamingAFifoIsRefusedInsteadOfWaitingForAWriter()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("File kinds are read on Linux only.");
        using var folder = new TempDirectory();
        string fifo = folder.File("model.lstmae");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();

        CliResult.Run("evaluate", "--model", fifo).AssertFailed(ExitCodes.Failure, $"'{fifo}' is a FIFO, not a regular file");
    }

    [TestMethod]
    public void EvaluateRejectsSequencesShorterThanTheModelInput()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));

        CliResult.Run("evaluate", "--model", model, "--sequences", "2", "--frames-per-sequence", "1")
            .AssertFailed(ExitCodes.Failure, "reads 2 frames per sequence");
    }

    [TestMethod]
    public void EncodeWritesCsvThatMatchesTheModel()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string csv = folder.File("features.csv");

        CliResult.Run(["encode", "--model", model, "--output", csv, .. TinyModel.DataArguments]).AssertSucceeded();

        string[] lines = File.ReadAllLines(csv);
        Assert.HasCount(4, lines);
        // Generated sequences are labelled with their first digit's class; the features are LstmAutoEncode's default, h and c.
        Assert.AreEqual("sequence,label," + string.Join(',', Enumerable.Range(0, 2 * 8).Select(i => $"f{i}")), lines[0]);
        float[] firstRow = lines[1].Split(',').Skip(2).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        CollectionAssert.AreEqual(ExpectedFeatures(model, sequence: 0), firstRow);
    }

    [TestMethod]
    public async Task EncodeWritesParquetOtherToolsCanRead()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string parquet = folder.File("features.parquet");

        CliResult.Run(["encode", "--model", model, "--output", parquet, "--features", "LastLayerHiddenAndCell", .. TinyModel.DataArguments])
            .AssertSucceeded();

        await using var reader = await ParquetReader.CreateAsync(parquet);
        var fields = reader.Schema.DataFields;
        Assert.HasCount(2 + 16, fields);
        Assert.AreEqual("label", fields[1].Name);
        using var group = reader.OpenRowGroupReader(0);
        Assert.AreEqual(3L, group.RowCount);
        var f0 = new float[3];
        await group.ReadAsync<float>(fields[2], f0);
        Assert.AreEqual(ExpectedFeatures(model, 0, EncoderFeatures.LastLayerHiddenAndCell)[0], f0[0]);
    }

    [TestMethod]
    public void EncodeAndEvaluateReadANpyVideoArray()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string npy = Path.Combine(AppContext.BaseDirectory, "Fixtures", "time_major_u8.npy");
        string csv = folder.File("npy.csv");

        // The fixture's sequences have 20 frames; the tiny model reads 2 + 2.
        CliResult.Run("encode", "--model", model, "--data", "npy", "--path", npy, "--split", "All", "--frames-per-sequence", "4", "--output", csv)
            .AssertSucceeded();
        var evaluation = CliResult.Run("evaluate", "--model", model, "--data", "npy", "--path", npy, "--split", "All", "--frames-per-sequence", "4");

        Assert.HasCount(1 + 6, File.ReadAllLines(csv));
        evaluation.AssertSucceeded();
        StringAssert.Contains(evaluation.Output, "6 sequences of");
        CliResult.Run("evaluate", "--model", model, "--data", "npy", "--path", folder.File("none.npy")).AssertFailed(ExitCodes.Usage, "is not a file");
    }

    [TestMethod]
    public void ANpyWhoseSequencesAreNotWhatTheModelReadsIsRefusedWithTheRemedies()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string npy = Path.Combine(AppContext.BaseDirectory, "Fixtures", "time_major_u8.npy"); // 20 frames x 6 sequences
        string[] data = ["--data", "npy", "--path", npy, "--split", "All"];

        // Read time-major: 6 sequences of 20 frames, where the tiny model reads 2 + 2.
        CliResult.Run(["evaluate", "--model", model, .. data]).AssertFailed(ExitCodes.Failure,
            "The model reads sequences of its 2 input frames, or its 2 input and 2 future frames, but 6 sequences of '" + npy + "' have 20. " +
            "To use the first frames of each, pass --frames-per-sequence 4; or, if the file's axes are (sequences, frames, height, width), --layout BatchMajor.");
        // Read batch-major (20 sequences of 6 frames), as a time-major file mistaken for one would be.
        CliResult.Run(["encode", "--model", model, "--layout", "BatchMajor", "--output", folder.File("f.csv"), .. data])
            .AssertFailed(ExitCodes.Failure, "but 20 sequences of '" + npy + "' have 6. To use the first frames of each, pass --frames-per-sequence 4; or, if the file's axes are (frames, sequences, height, width), --layout TimeMajor.");
        // A batch-major file (7 sequences of 4 frames) read time-major: its other axis holds the 4 frames the model
        // reads, so the layout comes first.
        string batchMajor = folder.File("batch_major.npy");
        File.WriteAllBytes(batchMajor, Uint8Npy(7, 4, TinyModel.Options.FrameHeight, TinyModel.Options.FrameWidth));
        CliResult.Run(["evaluate", "--model", model, "--data", "npy", "--path", batchMajor, "--split", "All"]).AssertFailed(ExitCodes.Failure,
            "but 4 sequences of '" + batchMajor + "' have 7. The file's other axis holds 4, a length the model reads: if its axes are " +
            "(sequences, frames, height, width), pass --layout BatchMajor; to use the first 4 frames of each sequence as read, pass --frames-per-sequence 4.");
        CliResult.Run("evaluate", "--model", model, "--data", "npy", "--path", batchMajor, "--split", "All", "--layout", "BatchMajor").AssertSucceeded();
        // Shorter than the input frames: no length to suggest.
        CliResult.Run(["evaluate", "--model", model, "--frames-per-sequence", "1", .. data])
            .AssertFailed(ExitCodes.Failure, "The model reads 2 frames per sequence but 6 sequences of '" + npy + "' (their first 1 of 20 frames) have only 1.");
        Assert.IsFalse(File.Exists(folder.File("f.csv")));
        CliResult.Run(["evaluate", "--model", model, "--frames-per-sequence", "21", .. data])
            .AssertFailed(ExitCodes.Usage, "--frames-per-sequence 21: the sequences of '" + npy + "' have 20 frames each.");
        // Two frames: the input only, so only the reconstruction is scored.
        var inputOnly = CliResult.Run(["evaluate", "--model", model, "--frames-per-sequence", "2", .. data]);
        inputOnly.AssertSucceeded();
        StringAssert.Contains(inputOnly.Output, "(their first 2 of 20 frames)");
        StringAssert.Matches(inputOnly.Output, new System.Text.RegularExpressions.Regex(@"reconstruction\s+12\s"));
        Assert.DoesNotMatchRegex(new System.Text.RegularExpressions.Regex(@"prediction\s+\d"), inputOnly.Output);
    }

    [TestMethod]
    public void ASplitThatDoesNotFitANpyFileNamesTheOptionsThatDo()
    {
        using var folder = new TempDirectory();
        string model = folder.File("m.lstmae"), npy = Path.Combine(AppContext.BaseDirectory, "Fixtures", "time_major_u8.npy");
        string[] tiny = ["--hidden", "4", "--input-frames", "2", "--future-frames", "2", "--frames-per-sequence", "4", "--epochs", "1"];

        CliResult.Run(["train", "--output", model, "--data", "npy", "--path", npy, .. tiny]).AssertFailed(ExitCodes.Usage,
            "'" + npy + "' holds 6 sequences, but --split Train needs some on each side of --train-sequences 9000: " +
            "pass --train-sequences between 1 and 5, or --split All for the whole file.");
        Assert.IsFalse(File.Exists(model));

        var train = CliResult.Run(["train", "--output", model, "--data", "npy", "--path", npy, "--train-sequences", "4", .. tiny]);
        train.AssertSucceeded();
        StringAssert.Contains(train.Output, "Training on 4 sequences of '" + npy + "' (their first 4 of 20 frames), frames of");
        var halves = CliResult.Run(["train", "--output", folder.File("halves.lstmae"), "--data", "npy", "--path", npy, "--split", "All",
            "--validation-fraction", "0.5", .. tiny]);
        halves.AssertSucceeded();
        StringAssert.Contains(halves.Output, "(their first 4 of 20 frames) (3 train, the last 3 validate), frames of");
        var test = CliResult.Run("evaluate", "--model", model, "--data", "npy", "--path", npy, "--split", "Test", "--train-sequences", "4",
            "--frames-per-sequence", "4");
        test.AssertSucceeded();
        StringAssert.Contains(test.Output, "Evaluating on 2 sequences of '" + npy + "'");
        CliResult.Run(["train", "--output", model, "--train-sequences", "4", "--force", .. tiny])
            .AssertFailed(ExitCodes.Usage, "--train-sequences does not apply to --data moving-mnist");
        CliResult.Run(["train", "--output", model, "--data", "npy", "--path", npy, "--split", "All", "--train-sequences", "4", "--force", .. tiny])
            .AssertFailed(ExitCodes.Usage, "--train-sequences says where a file's Train split ends; it does not apply to --split All.");
    }

    [TestMethod]
    public void EncodeRefusesToOverwriteWithoutForceAndRejectsUnknownFormats()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string existing = folder.File("mine.csv");
        File.WriteAllText(existing, "precious");

        CliResult.Run(["encode", "--model", model, "--output", existing, .. TinyModel.DataArguments])
            .AssertFailed(ExitCodes.Failure, "--force");
        Assert.AreEqual("precious", File.ReadAllText(existing));
        CliResult.Run(["encode", "--model", model, "--output", existing, "--force", .. TinyModel.DataArguments]).AssertSucceeded();
        CliResult.Run(["encode", "--model", model, "--output", folder.File("f.txt"), .. TinyModel.DataArguments])
            .AssertFailed(ExitCodes.Usage, ".csv or .parquet");
        CliResult.Run(["encode", "--model", model, "--output", folder.File("f.csv"), "--features", "Everything"])
            .AssertFailed(ExitCodes.Usage, "Everything");
    }

    [TestMethod]
    public void RenderDrawsAGifPerSequenceAndAContactSheet()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string pictures = Path.Combine(folder.Path, "pictures");

        CliResult.Run(["render", "--model", model, "--output", pictures, "--scale", "1", .. TinyModel.DataArguments]).AssertSucceeded();

        for (int i = 0; i < 3; i++)
        {
            using var gif = ImageAssert.IsAnimatedGif(Path.Combine(pictures, $"sequence-{i:D3}.gif"), frames: 4);
        }
        using var sheet = ImageAssert.IsPng(Path.Combine(pictures, "contact-sheet.png"));
        Assert.IsGreaterThan(4 * 64u, sheet.Width);
    }

    [TestMethod]
    public void RenderDrawsOnlyTheDefaultFewSequencesOfAFileWhateverTheBatchSize()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string whole = Path.Combine(folder.Path, "whole"), batched = Path.Combine(folder.Path, "batched");
        // The fixture holds 6 sequences; render draws the first 4 unless --sequences says otherwise.
        string[] npy = ["--data", "npy", "--path", Path.Combine(AppContext.BaseDirectory, "Fixtures", "time_major_u8.npy"), "--split", "All",
            "--frames-per-sequence", "4", "--scale", "1"];

        CliResult.Run(["render", "--model", model, "--output", whole, .. npy]).AssertSucceeded();
        CliResult.Run(["render", "--model", model, "--output", batched, "--batch-size", "3", .. npy]).AssertSucceeded();

        Assert.HasCount(4 + 1, Directory.GetFiles(whole));
        Assert.IsTrue(File.Exists(Path.Combine(whole, "sequence-003.gif")));
        CollectionAssert.AreEqual(
            File.ReadAllBytes(Path.Combine(whole, "contact-sheet.png")), File.ReadAllBytes(Path.Combine(batched, "contact-sheet.png")));
    }

    [TestMethod]
    public void RenderRefusesANonEmptyFolderWithoutForce()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));

        CliResult.Run(["render", "--model", model, "--output", folder.Path, .. TinyModel.DataArguments]).AssertFailed(ExitCodes.Failure, "not empty");
        CliResult.Run(["render", "--model", model, "--output", folder.Path, "--scale", "0"]).AssertFailed(ExitCodes.Usage, "--scale must be positive");
    }

    [TestMethod]
    public void ExportThenImportPyTorchKeepsTheWeights()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"), seed: 5);
        string stateDict = folder.File("tiny.pt");
        string imported = folder.File("imported.lstmae");

        CliResult.Run("export-pytorch", "--model", model, "--output", stateDict).AssertSucceeded();
        // Imported weights keep float32 products, like the model that wrote them, whatever this CPU has.
        CliResult.Run("import-pytorch", "--state-dict", stateDict, "--output", imported,
            "--hidden", "8", "--input-frames", "2", "--future-frames", "2").AssertSucceeded();

        CollectionAssert.AreEqual(ExpectedFeatures(model, 0), ExpectedFeatures(imported, 0));
    }

    [TestMethod]
    public void ImportPyTorchRejectsAMissingFileAndAMismatchedArchitecture()
    {
        using var folder = new TempDirectory();
        string stateDict = folder.File("tiny.pt");
        CliResult.Run("export-pytorch", "--model", TinyModel.Save(folder.File("tiny.lstmae")), "--output", stateDict).AssertSucceeded();

        CliResult.Run("import-pytorch", "--state-dict", folder.File("none.pt"), "--output", folder.File("x.lstmae"))
            .AssertFailed(ExitCodes.Usage, "is not a file");
        CliResult.Run("import-pytorch", "--state-dict", stateDict, "--output", folder.File("x.lstmae"), "--hidden", "9",
            "--input-frames", "2", "--future-frames", "2").AssertFailed(ExitCodes.Failure, "shape");
        CliResult.Run("import-pytorch", "--state-dict", stateDict, "--output", folder.File("x.lstmae"), "--preset", "huge")
            .AssertFailed(ExitCodes.Usage, "huge");
        Assert.IsFalse(File.Exists(folder.File("x.lstmae")));
    }

    [TestMethod]
    public void ExportPyTorchNeedsAnOutput()
    {
        using var folder = new TempDirectory();
        CliResult.Run("export-pytorch", "--model", TinyModel.Save(folder.File("tiny.lstmae"))).AssertFailed(ExitCodes.Usage, "--output");
    }

    [TestMethod]
    public void ExportOnnxWritesTheGraphItDescribes()
    {
        using var folder = new TempDirectory();
        string model = TinyModel.Save(folder.File("tiny.lstmae"));
        string onnx = folder.File("tiny.onnx");

        CliResult result = CliResult.Run("export-onnx", "--model", model, "--output", onnx, "--features", "LastLayerHiddenAndCell",
            "--input-with-future", "--prediction");
        result.AssertSucceeded();
        int rowLength = (TinyModel.Options.InputFrames + TinyModel.Options.FutureFrames) * TinyModel.Options.FrameSize;
        StringAssert.Contains(result.Output, $"= {rowLength}]");

        var graph = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx)).Graph;
        Assert.AreEqual("Frames", graph.Input.Single().Name);
        Assert.AreEqual(rowLength, graph.Input.Single().Type.TensorType.Shape.Dim[1].DimValue);
        Assert.AreEqual("Features,Prediction", string.Join(",", graph.Output.Select(o => o.Name)));
        Assert.AreEqual(2 * TinyModel.Options.HiddenSize, graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue);

        CliResult.Run("export-onnx", "--model", model, "--output", onnx).AssertFailed(ExitCodes.Failure, "--force");
    }

    [TestMethod]
    public void ExportOnnxRefusesADecoderTheModelLacks()
    {
        using var folder = new TempDirectory();
        string model = folder.File("reconstruct.lstmae");
        using (var autoEncoder = LstmAutoEncoder.Create(TinyModel.Options with { Mode = AutoEncoderMode.ReconstructionOnly }))
        using (var stream = File.Create(model))
            autoEncoder.Save(stream);
        CliResult.Run("export-onnx", "--model", model, "--output", folder.File("x.onnx"), "--prediction")
            .AssertFailed(ExitCodes.Usage, "prediction decoder");
        Assert.IsFalse(File.Exists(folder.File("x.onnx")));
    }

    private static float[] ExpectedFeatures(string modelPath, int sequence, EncoderFeatures features = EncoderFeatures.LastLayerHiddenAndCell)
    {
        using var stream = File.OpenRead(modelPath);
        using var model = LstmAutoEncoder.Load(stream);
        const int Count = 3;
        var generator = new LstmAe.Data.MovingMnistGenerator(new() { SequenceCount = Count, FrameCount = 4, Split = LstmAe.Data.DataSplit.Test });
        // All rows in one batch, as the CLI encodes them: a product's rounding may depend on the batch it is part of.
        float[] all = model.Encode(Enumerable.Range(0, Count).SelectMany(i => generator.Generate(i)).ToArray(), Count, features);
        int size = all.Length / Count;
        return all[(sequence * size)..((sequence + 1) * size)];
    }

    /// <summary>An .npy file of random uint8 pixels shaped (<paramref name="first"/>, <paramref name="second"/>,
    /// <paramref name="height"/>, <paramref name="width"/>), as numpy writes one.</summary>
    private static byte[] Uint8Npy(int first, int second, int height, int width)
    {
        string header = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({first}, {second}, {height}, {width}), }}";
        header = header.PadRight((header.Length + 1 + 10 + 63) / 64 * 64 - 10 - 1) + "\n";
        var data = new byte[first * second * height * width];
        new Random(1).NextBytes(data);
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
        stream.Write(data);
        return stream.ToArray();
    }
}
