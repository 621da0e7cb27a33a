using LstmAe.MLNet.Internal;
using LstmAe.MLNet.Schema;
using LstmAe.MLNet.Tests.Support;
using LstmAe.MLNet.Training;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet.Tests;

/// <summary>Fit: streaming sequences from an IDataView, validation splits, logging, cancellation and device
/// fallback.</summary>
[TestClass]
public sealed class FitTests
{
    /// <summary>Two contexts fitting at once, with dropout, while a third thread loads a model, each fit what they
    /// fit alone, bit for bit (found by a concurrency probe: initial weights and dropout shared torch's generator).</summary>
    [TestMethod]
    public void ContextsFittingAtOnceFitWhatEachFitsAlone()
    {
        static float[] FitAndEncode(int seed)
        {
            var ml = new MLContext(seed: 0);
            IDataView data = TinySequences.Load(ml, 12);
            using LstmAutoEncoderTransformer transformer = ml.Transforms.LstmAutoEncode(TinySequences.Options(o =>
                (o.Model, o.Training) = (o.Model with { Layers = 2, Dropout = 0.3 }, o.Training with { Epochs = 2, Seed = seed }))).Fit(data);
            return TinySequences.ReadVectors(transformer.Transform(data), "Features").SelectMany(row => row).ToArray();
        }
        float[] firstAlone = FitAndEncode(1), secondAlone = FitAndEncode(2);
        var saved = new MemoryStream();
        var loader = new MLContext();
        loader.ComponentCatalog.RegisterLstmAutoEncoder();
        using (var model = TinySequences.Fit(loader, count: 4)) loader.Model.Save(model, TinySequences.Load(loader, 1).Schema, saved);

        using var stop = new CancellationTokenSource();
        var loading = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                saved.Position = 0;
                ((IDisposable)loader.Model.Load(new MemoryStream(saved.ToArray()), out _)).Dispose();
            }
        });
        var first = Task.Run(() => FitAndEncode(1));
        var second = Task.Run(() => FitAndEncode(2));
        float[] firstTogether = first.Result, secondTogether = second.Result;
        stop.Cancel();
        loading.Wait();

        CollectionAssert.AreEqual(firstAlone, firstTogether);
        CollectionAssert.AreEqual(secondAlone, secondTogether);
    }

    [TestMethod]
    public void ProgressReachesMlContextLog()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<LoggingEventArgs>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e); };

        using var _ = TinySequences.Fit(ml, count: 12, o => (o.Training, o.LogEverySteps, o.ValidationFraction) = (o.Training with { Epochs = 2 }, 2, 0.5));

        string[] ours = messages.Where(m => m.Source.Contains(nameof(LstmAutoEncoderEstimator), StringComparison.Ordinal))
            .Select(m => m.RawMessage).ToArray();
        Assert.IsTrue(ours.Any(m => m.Contains("step 1 epoch", StringComparison.Ordinal) && m.Contains("sequences/s", StringComparison.Ordinal)),
            string.Join("\n", ours));
        Assert.IsTrue(ours.Any(m => m.Contains("validation", StringComparison.Ordinal)), string.Join("\n", ours));
        Assert.IsTrue(ours.Any(m => m.StartsWith("Finished (EpochsCompleted)", StringComparison.Ordinal)), string.Join("\n", ours));
    }

    private sealed class FramesIn
    {
        [VectorType(TinySequences.InputFrames + TinySequences.FutureFrames, TinySequences.Height, TinySequences.Width)]
        public float[] Frames { get; set; } = [];
    }

    private sealed class FramesOut
    {
        [VectorType(TinySequences.InputFrames + TinySequences.FutureFrames, TinySequences.Height, TinySequences.Width)]
        public float[] Computed { get; set; } = [];
    }

    [TestMethod]
    public void DataOfUnknownLengthIsCountedWithoutComputingItsFrames()
    {
        var ml = new MLContext(seed: 1);
        int computed = 0;
        // A filter hides the row count; the frames the model reads come from a mapping that counts its calls.
        IDataView data = ml.Data.FilterRowsByColumn(TinySequences.Load(ml, 12), nameof(TinySequences.Row.Label), lowerBound: 0, upperBound: 10);
        var mapping = ml.Transforms.CustomMapping<FramesIn, FramesOut>((input, output) =>
        {
            Interlocked.Increment(ref computed);
            output.Computed = input.Frames;
        }, contractName: null);
        IDataView mapped = mapping.Fit(data).Transform(data);
        Assert.IsNull(mapped.GetRowCount());

        using var _ = ml.Transforms.LstmAutoEncode(TinySequences.Options(o =>
        {
            o.InputColumnName = nameof(FramesOut.Computed);
            // A schedule that ends with the run makes the trainer count the sequences first.
            o.Training = o.Training with { InitializeOutputBiasFromData = false, Schedule = new CosineToEndSchedule(0.1) };
        })).Fit(mapped);

        Assert.AreEqual(12, computed, "one epoch reads each row's frames once; counting the rows reads none");
    }

    [TestMethod]
    public void DataWithoutATrainingRowIsRefusedSayingWhy()
    {
        var ml = new MLContext(seed: 1);
        IDataView none = ml.Data.LoadFromEnumerable(Array.Empty<TinySequences.Row>());
        IDataView hidden = ml.Data.FilterRowsByColumn(TinySequences.Load(ml, 4), nameof(TinySequences.Row.Label), lowerBound: 100, upperBound: 200);

        var empty = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.LstmAutoEncode(TinySequences.Options()).Fit(none));
        var allValidation = Assert.ThrowsExactly<ArgumentException>(
            () => ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.ValidationFraction = 0.99)).Fit(TinySequences.Load(ml, 1)));
        var unknownLength = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.LstmAutoEncode(TinySequences.Options()).Fit(hidden));

        StringAssert.StartsWith(empty.Message, "The training data holds no rows: column 'Frames' needs at least one sequence to train on.");
        StringAssert.StartsWith(allValidation.Message, "ValidationFraction 0.99 leaves no training rows of the data's 1; use more rows or a smaller fraction.");
        StringAssert.StartsWith(unknownLength.Message, "The training data holds no sequences: there is nothing to train on.");
    }

    [TestMethod]
    public void AFlatColumnsAssumedFrameSizeIsLoggedAndNamedWhenItDoesNotFit()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.RawMessage); };
        // 8 frames of 6 x 6 as one flat vector: the options do not say the frame size.
        var reshaped = ml.Data.LoadFromEnumerable(TinySequences.Rows(4).Select(r => new FlatRow { Flat = r.Frames }));

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.InputColumnName = "Flat")).Fit(reshaped));
        using var _ = ml.Transforms.LstmAutoEncode(TinySequences.Options(o =>
        {
            o.InputColumnName = "Flat";
            (o.FrameHeight, o.FrameWidth) = (TinySequences.Height, TinySequences.Width);
        })).Fit(reshaped);
        using var assumed = ml.Transforms.LstmAutoEncode(TinySequences.Options(o =>
        {
            o.InputColumnName = "Flat";
            o.Model = o.Model with { InputFrames = 1, FutureFrames = 1, HiddenSize = 4 };
        })).Fit(ml.Data.LoadFromEnumerable(new[] { new WideFlatRow { Flat = new float[2 * 64 * 64] } }));

        StringAssert.Contains(error.Message, "A flat column's frames are 64x64 unless LstmAutoEncoderOptions.FrameHeight and FrameWidth say otherwise");
        Assert.IsTrue(messages.Any(m => m.Contains("Column 'Flat' has no [T, H, W] dimensions, so its frames are taken as 64x64", StringComparison.Ordinal)));
        Assert.AreEqual(1, messages.Count(m => m.Contains("has no [T, H, W] dimensions", StringComparison.Ordinal)), "not when the options give the size");
    }

    private sealed class FlatRow
    {
        [VectorType(TinySequences.Length)]
        public float[] Flat { get; set; } = [];
    }

    private sealed class WideFlatRow
    {
        [VectorType(2 * 64 * 64)]
        public float[] Flat { get; set; } = [];
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void OutputBiasesStartAtTheDataUnlessTurnedOff(bool initialize)
    {
        var ml = new MLContext(seed: 1);

        // One step too small to move a weight: the biases are as training started.
        using var transformer = TinySequences.Fit(ml, count: 4, o =>
            o.Training = o.Training with { MaxSteps = 1, LearningRate = 1e-9, InitializeOutputBiasFromData = initialize });

        float[] biases = transformer.Model.Module.PredictionDecoder!.named_parameters()
            .Single(p => p.name == "fc.bias").parameter.data<float>().ToArray();
        // A few pixels of each frame are lit, so every pixel's mean is well below 0.5 and its logit well below zero;
        // PyTorch's initialisation draws each bias from ±1/√hidden.
        string shown = string.Join(", ", biases.Take(8));
        if (initialize)
            Assert.IsTrue(biases.All(b => b < -0.5), shown);
        else
            Assert.IsTrue(biases.All(b => Math.Abs(b) <= 1 / Math.Sqrt(TinySequences.Options().Model.HiddenSize)), shown);
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void FreedNativeMemoryIsRetainedDuringFitOnlyWhenAsked(bool retain)
    {
        if (!GlibcMalloc.IsAvailable) Assert.Inconclusive("Not glibc, or glibc's malloc variables are set in the environment.");
        var ml = new MLContext(seed: 1);
        var mappedDuringSteps = new List<bool>();
        var progress = new CallbackProgress(_ => mappedDuringSteps.Add(GlibcMalloc.MapsLargeBlocks()));

        using var _ = TinySequences.Fit(ml, count: 4, o => (o.Training, o.Progress) = (o.Training with { MaxSteps = 1, RetainFreedNativeMemory = retain }, progress));

        CollectionAssert.AreEqual(new[] { !retain }, mappedDuringSteps);
        Assert.IsTrue(GlibcMalloc.MapsLargeBlocks(), "glibc maps large blocks again after Fit");
    }

    [TestMethod]
    public void ProgressCallbackReceivesEveryStepInOrderOnTheTrainingThread()
    {
        var ml = new MLContext(seed: 1);
        var progress = new RecordingProgress();

        // 8 rows in batches of 4: two steps per epoch, four in all.
        using var _ = TinySequences.Fit(ml, count: 8, o => (o.Training, o.Progress) = (o.Training with { Epochs = 2 }, progress));

        Assert.AreEqual("step 1 epoch 0, step 2 epoch 0, step 3 epoch 1, step 4 epoch 1", StepsAndEpochs(progress.Reports));
        Assert.IsTrue(progress.Reports.All(p => double.IsFinite(p.Loss) && p.Loss > 0), string.Join("\n", progress.Reports));
        Assert.IsTrue(progress.Reports.All(p => p.ValidationLoss is null), "no validation was configured");
        Assert.IsTrue(progress.Threads.All(thread => thread == Environment.CurrentManagedThreadId), "reported on another thread");
    }

    [TestMethod]
    public void ProgressCallbackReceivesTheValidationLossAfterEachEpoch()
    {
        var ml = new MLContext(seed: 1);
        var progress = new RecordingProgress();
        IDataView validation = TinySequences.Load(ml, 4, seed: 2);

        using var _ = TinySequences.Fit(ml, count: 8, o => (o.Training, o.ValidationData, o.Progress) = (o.Training with { Epochs = 2 }, validation, progress));

        // Each epoch's last step comes again, with the validation loss that followed it.
        Assert.AreEqual("step 1 epoch 0, step 2 epoch 0, step 2 epoch 0, step 3 epoch 1, step 4 epoch 1, step 4 epoch 1",
            StepsAndEpochs(progress.Reports));
        TrainingProgress[] validated = progress.Reports.Where(p => p.ValidationLoss is not null).ToArray();
        Assert.AreEqual("step 2 epoch 0, step 4 epoch 1", StepsAndEpochs(validated));
        Assert.IsTrue(validated.All(p => double.IsFinite(p.ValidationLoss!.Value) && p.ValidationLoss > 0), string.Join("\n", validated));
        Assert.IsTrue(progress.Reports.All(p => double.IsFinite(p.Loss)), string.Join("\n", progress.Reports));
    }

    [TestMethod]
    public void CancelExecutionStopsTrainingCleanly()
    {
        var ml = new MLContext(seed: 1);
        ml.Log += (_, e) =>
        {
            if (e.RawMessage.StartsWith("step 1 epoch", StringComparison.Ordinal))
                MlContextCancellation.CancelExecution(ml);
        };
        // Bounded, so a broken cancellation fails the test instead of hanging it.
        var estimator = ml.Transforms.LstmAutoEncode(TinySequences.Options(o => (o.Training, o.LogEverySteps) = (o.Training with { Epochs = 500 }, 1)));

        var e = Assert.ThrowsExactly<OperationCanceledException>(() => estimator.Fit(TinySequences.Load(ml, 8)));
        StringAssert.Contains(e.Message, "training was cancelled after 1 steps");
    }

    [TestMethod]
    public void CancellationTokenStopsTrainingCleanly()
    {
        var ml = new MLContext(seed: 1);
        using var cancellation = new CancellationTokenSource();
        ml.Log += (_, e) =>
        {
            if (e.RawMessage.StartsWith("step 2 epoch", StringComparison.Ordinal))
                cancellation.Cancel();
        };
        var estimator = ml.Transforms.LstmAutoEncode(TinySequences.Options(o =>
            (o.Training, o.LogEverySteps, o.CancellationToken) = (o.Training with { Epochs = 500 }, 1, cancellation.Token)));

        var e = Assert.ThrowsExactly<OperationCanceledException>(() => estimator.Fit(TinySequences.Load(ml, 8)));
        StringAssert.Contains(e.Message, "cancelled after 2 steps");
        Assert.AreEqual(cancellation.Token, e.CancellationToken);
    }

    [TestMethod]
    public void CudaFallsBackToCpuWithAWarning()
    {
        if (TorchSharp.torch.cuda.is_available())
            Assert.Inconclusive("CUDA is available here; the fallback cannot happen.");
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };

        using LstmAutoEncoderTransformer transformer = TinySequences.Fit(ml, count: 4, o => o.Device = "cuda");

        Assert.AreEqual(TorchSharp.DeviceType.CPU, transformer.Model.Device.type);
        Assert.IsTrue(warnings.Any(w => w.Contains("CUDA is not available", StringComparison.Ordinal)), string.Join("\n", warnings));
    }

    [TestMethod]
    public void SeparateValidationDataMustFitTheTrainingShape()
    {
        var ml = new MLContext(seed: 1);
        var validation = ml.Data.LoadFromEnumerable(new[] { new WrongSize() });
        var options = TinySequences.Options(o => o.ValidationData = validation);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.LstmAutoEncode(options).Fit(TinySequences.Load(ml, 4)));
        StringAssert.Contains(e.Message, "Column 'Frames' has type Vector<Single, 10>");
    }

    [TestMethod]
    public void EarlyStoppingNeedsValidation()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(
            () => ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.Training = o.Training with { EarlyStoppingPatience = 2 })));
        StringAssert.Contains(e.Message, "EarlyStoppingPatience needs validation data");
    }

    [TestMethod]
    public void InvalidOptionsAreRejectedNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        void AssertRejected(Action<LstmAutoEncoderOptions> adjust, string option)
        {
            var e = Assert.Throws<ArgumentException>(() => ml.Transforms.LstmAutoEncode(TinySequences.Options(adjust)));
            StringAssert.Contains(e.Message, option);
        }

        // A zero frame size would divide by zero while the flat frame column's layout is worked out.
        AssertRejected(o => o.FrameHeight = 0, "FrameHeight");
        AssertRejected(o => o.FrameWidth = 0, "FrameWidth");
        // Progress lines are logged every LogEverySteps steps: zero would divide by zero after the first step.
        AssertRejected(o => o.LogEverySteps = 0, "LogEverySteps");
        AssertRejected(o => o.Device = null!, "Device");
        AssertRejected(o => o.Device = " ", "Device");
    }

    [TestMethod]
    public void EditsToTheOptionsAfterConstructionDoNotReachTheEstimator()
    {
        var ml = new MLContext(seed: 1);
        LstmAutoEncoderOptions options = TinySequences.Options();
        var estimator = ml.Transforms.LstmAutoEncode(options);
        (options.Model, options.OutputColumnName, options.LogEverySteps, options.FrameHeight, options.Device) =
            (options.Model with { HiddenSize = 3 }, "Other", 0, 0, null!);

        using LstmAutoEncoderTransformer transformer = estimator.Fit(TinySequences.Load(ml, 4));

        Assert.AreEqual(TinySequences.Options().Model.HiddenSize, transformer.Model.Options.HiddenSize);
        DataViewSchema output = transformer.GetOutputSchema(TinySequences.Load(ml, 1).Schema);
        Assert.IsNotNull(output.GetColumnOrNull("Features"));
        Assert.IsNull(output.GetColumnOrNull("Other"));
    }

    [TestMethod]
    public void LearningRateScheduleReachesTheTrainer()
    {
        var progress = new RecordingProgress();

        // 8 rows in batches of 4 for 2 epochs: four steps, over which the rate decays from 0.01 to 0.001.
        using var _ = TinySequences.Fit(new MLContext(seed: 1), count: 8, o => (o.Training, o.Progress) =
            (o.Training with { Epochs = 2, LearningRate = 0.01, Schedule = new CosineSchedule(TotalSteps: 3, MinimumFactor: 0.1) }, progress));

        double[] rates = progress.Reports.Select(p => p.LearningRate).ToArray();
        Assert.AreEqual(0.01, rates[0], 1e-12);
        Assert.AreEqual(0.001, rates[^1], 1e-12);
        Assert.IsTrue(rates.Zip(rates.Skip(1)).All(pair => pair.Second < pair.First), string.Join(", ", rates));
    }

    [TestMethod]
    public void DefaultsAreTheCpuRecipe()
    {
        var options = new LstmAutoEncoderOptions();

        Assert.AreSame(TrainingOptions.CpuDefault, options.Training);
        Assert.AreEqual(LstmAutoEncoderModelOptions.CpuDefault with { MatrixPrecision = MatrixPrecisionSupport.Fastest }, options.Model);
        Assert.AreEqual(2, options.Training.Epochs);
        Assert.AreEqual(16, options.Training.BatchSize);
        Assert.AreEqual(OptimizerAlgorithm.Adam, options.Training.Optimizer);
        Assert.AreEqual(2e-3, options.Training.LearningRate);
        Assert.AreEqual(new CosineToEndSchedule(MinimumFactor: 0.1), options.Training.Schedule);
        Assert.AreEqual(1.0, options.Training.GradientClipNorm);
    }

    [TestMethod]
    public void TheSimpleOverloadChangesOnlyWhatItIsGiven()
    {
        var estimator = new MLContext(seed: 1).Transforms.LstmAutoEncode(hiddenSize: 8, epochs: 3, seed: 5);
        LstmAutoEncoderOptions options = OptionsOf(estimator);

        Assert.AreEqual(LstmAutoEncoderOptions.DefaultModel with { HiddenSize = 8 }, options.Model);
        Assert.AreEqual(TrainingOptions.CpuDefault with { Epochs = 3, Seed = 5 }, options.Training);
    }

    [TestMethod]
    public void TheDefaultScheduleDecaysOverTheWholeRun()
    {
        var progress = new RecordingProgress();

        // 8 rows in batches of 4 for 2 epochs: four steps, the last at a tenth of the rate.
        using var _ = TinySequences.Fit(new MLContext(seed: 1), count: 8, o => (o.Training, o.Progress) =
            (TrainingOptions.CpuDefault with { Epochs = 2, BatchSize = 4, Seed = 7 }, progress));

        double[] rates = progress.Reports.Select(p => p.LearningRate).ToArray();
        Assert.HasCount(4, rates);
        Assert.AreEqual(2e-3, rates[0], 1e-15);
        Assert.AreEqual(new CosineSchedule(4, 0.1).Factor(3) * 2e-3, rates[^1], 1e-15);
    }

    [TestMethod]
    public void EveryTrainingSettingReachesTheTrainer()
    {
        using var folder = new TempDirectory();
        string checkpoint = Path.Combine(folder.Path, "run.ckpt");
        var progress = new RecordingProgress();

        // Momentum, validation every step and checkpoints exist only in TrainingOptions.
        var ml = new MLContext(seed: 1);
        IDataView validation = TinySequences.Load(ml, 4, seed: 2);
        using var _ = TinySequences.Fit(ml, count: 8, o => (o.Training, o.ValidationData, o.Progress) =
            (o.Training with
            {
                Optimizer = OptimizerAlgorithm.Sgd,
                Momentum = 0.5,
                ValidateEverySteps = 1,
                CheckpointPath = checkpoint,
                CheckpointEverySteps = 1,
            }, validation, progress));

        Assert.IsTrue(File.Exists(checkpoint), "checkpoint written");
        Assert.IsNotEmpty(progress.Reports);
        Assert.IsTrue(progress.Reports.All(p => p.ValidationLoss is not null), "a validation with every step's report");
    }

    [TestMethod]
    public void MatrixPrecisionReachesTheModel()
    {
        using LstmAutoEncoderTransformer transformer =
            TinySequences.Fit(new MLContext(seed: 1), count: 4, o => o.Model = o.Model with { MatrixPrecision = MatrixPrecision.BFloat16 });

        Assert.AreEqual(MatrixPrecision.BFloat16, transformer.Model.Options.MatrixPrecision);
    }

    [TestMethod]
    public void ShortOverloadKeepsTheOptionsDefaults()
    {
        var ml = new MLContext(seed: 1);
        LstmAutoEncoderOptions defaults = new(), shortOverload = OptionsOf(ml.Transforms.LstmAutoEncode());
        foreach (System.Reflection.PropertyInfo property in typeof(LstmAutoEncoderOptions).GetProperties())
            Assert.AreEqual(property.GetValue(defaults), property.GetValue(shortOverload), property.Name);

        LstmAutoEncoderOptions adjusted = OptionsOf(ml.Transforms.LstmAutoEncode(hiddenSize: 8, epochs: 2, learningRate: 0.1));
        Assert.AreEqual((8, 2, 0.1), (adjusted.Model.HiddenSize, adjusted.Training.Epochs, adjusted.Training.LearningRate));
        Assert.AreEqual(defaults.Training.BatchSize, adjusted.Training.BatchSize);
    }

    // The options an estimator keeps are private; reading them back is a test's business only.
    private static LstmAutoEncoderOptions OptionsOf(LstmAutoEncoderEstimator estimator) =>
        (LstmAutoEncoderOptions)typeof(LstmAutoEncoderEstimator)
            .GetField("_options", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .GetValue(estimator)!;

    [TestMethod]
    public void SequenceSourceShufflesEachEpochReproducibly()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.Cache(TinySequences.Load(ml, 20));
        FrameLayout layout = FrameColumn.Infer(data.Schema, "Frames", 4, 4, null, null);
        var source = new DataViewSequenceSource(data, "Frames", layout, seed: 3);

        Assert.IsTrue(source.Shuffles);
        Assert.AreEqual(TinySequences.Length, source.SequenceLength);
        string[] epoch0 = Fingerprints(source, 0), epoch0Again = Fingerprints(source, 0), epoch1 = Fingerprints(source, 1);
        CollectionAssert.AreEqual(epoch0, epoch0Again);
        CollectionAssert.AreNotEqual(epoch0, epoch1);
        CollectionAssert.AreEquivalent(epoch0, epoch1);
        Assert.AreEqual(20, epoch0.Length);
    }

    [TestMethod]
    public void ValidationSplitIsDeterministicDisjointAndNearTheFraction()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.Cache(TinySequences.Load(ml, 400));
        FrameLayout layout = FrameColumn.Infer(data.Schema, "Frames", 4, 4, null, null);
        var split = new RowSplit(0.25, seed: 5);
        var train = new DataViewSequenceSource(data, "Frames", layout, 5, split, validationSide: false);
        var validation = new DataViewSequenceSource(data, "Frames", layout, 5, split, validationSide: true);

        string[] trainRows = Fingerprints(train, 0), validationRows = Fingerprints(validation, 0);
        Assert.AreEqual(400, trainRows.Length + validationRows.Length);
        Assert.IsTrue(validationRows.Length is > 70 and < 130, $"{validationRows.Length} of 400 held out");
        CollectionAssert.AreEquivalent(validationRows, Fingerprints(validation, 3), "validation rows do not depend on the epoch");
        CollectionAssert.AreEquivalent(trainRows, Fingerprints(train, 2), "training rows do not depend on the epoch");
    }

    [TestMethod]
    public void SequenceSourceCountsRowsWithoutReadingFramesOnEitherSideOfASplit()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.Cache(TinySequences.Load(ml, 60));
        FrameLayout layout = FrameColumn.Infer(data.Schema, "Frames", 4, 4, null, null);
        var split = new RowSplit(0.25, seed: 5);
        var whole = new DataViewSequenceSource(data, "Frames", layout, 5);
        var train = new DataViewSequenceSource(data, "Frames", layout, 5, split, validationSide: false);
        var validation = new DataViewSequenceSource(data, "Frames", layout, 5, split, validationSide: true);

        Assert.AreEqual(60L, ((ISequenceSource)whole).CountWithoutReading(CancellationToken.None));
        Assert.AreEqual(Fingerprints(train, 0).Length, ((ISequenceSource)train).CountWithoutReading(CancellationToken.None));
        Assert.AreEqual(Fingerprints(validation, 0).Length, ((ISequenceSource)validation).CountWithoutReading(CancellationToken.None));
    }

    [TestMethod]
    public void RowSplitRejectsFractionsOutsideZeroToOne()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RowSplit(1.0, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RowSplit(-0.1, 0));
        Assert.IsFalse(new RowSplit(0, 0).IsValidation(new DataViewRowId(1, 0)));
    }

    /// <summary>Records reports as they arrive (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class CallbackProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private sealed class RecordingProgress : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public List<int> Threads { get; } = [];

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            Threads.Add(Environment.CurrentManagedThreadId);
        }
    }

    private static string StepsAndEpochs(IEnumerable<TrainingProgress> reports) =>
        string.Join(", ", reports.Select(p => $"step {p.Step} epoch {p.Epoch}"));

    private sealed class WrongSize
    {
        [VectorType(10)]
        public float[] Frames { get; set; } = new float[10];
    }

    // Rows are told apart by their contents: brightness and square positions differ between rows.
    private static string[] Fingerprints(DataViewSequenceSource source, int epoch) =>
        source.Read(epoch).Select(s => Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.Span))).ToArray();
}
