using LstmAe.Core.Tests.TestSupport;
using LstmAe.Metrics;
using LstmAe.Model;
using LstmAe.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Core.Tests.Training;

[TestClass]
public sealed class AutoEncoderTrainerTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow(TrainingObjective.MeanSquaredError, DecoderConditioning.Conditional, MatrixPrecision.Float32)]
    [DataRow(TrainingObjective.BinaryCrossEntropy, DecoderConditioning.TeacherForced, MatrixPrecision.Float32)]
    [DataRow(TrainingObjective.BinaryCrossEntropy, DecoderConditioning.Conditional, MatrixPrecision.BFloat16)]
    [DataRow(TrainingObjective.MeanSquaredError, DecoderConditioning.Unconditioned, MatrixPrecision.BFloat16)]
    public void OverfitsOneFixedBatch(TrainingObjective objective, DecoderConditioning conditioning, MatrixPrecision precision)
    {
        var options = TinyModels.Options with
        {
            Dropout = 0, Layers = 1, HiddenSize = 32, Objective = objective, Conditioning = conditioning, MatrixPrecision = precision,
        };
        using var model = LstmAutoEncoder.Create(options, seed: 1);
        // Binary pixels, so cross-entropy can approach zero as well as squared error.
        float[] sequences = TinyModels.Sequences(options, 4).Select(v => v > 0.5f ? 1f : 0f).ToArray();
        var source = new InMemorySequenceSource(sequences, options.FullSequenceLength, shuffle: false);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 300, BatchSize = 4, LearningRate = 1e-2 });

        double initial = trainer.Evaluate(source).Loss;
        TrainingResult result = trainer.Fit(source);
        double final = trainer.Evaluate(source).Loss;

        Assert.AreEqual(TrainingStopReason.EpochsCompleted, result.StopReason);
        Assert.AreEqual(300, result.Steps);
        Assert.IsLessThan(0.1 * initial, final, $"Loss fell from {initial} to {final} only.");
    }

    [TestMethod]
    [DataRow(MatrixPrecision.Float32)]
    [DataRow(MatrixPrecision.BFloat16)]
    public void SameSeedGivesBitIdenticalWeights(MatrixPrecision precision)
    {
        var options = TinyModels.Options with { MatrixPrecision = precision };
        using var first = TrainTinyModel(seed: 4, options);
        using var second = TrainTinyModel(seed: 4, options);
        using var other = TrainTinyModel(seed: 5, options);

        TinyModels.AssertBitIdentical(first, second);
        CollectionAssert.AreNotEqual(TinyModels.Weights(first)["predict_decoder.fc.weight"], TinyModels.Weights(other)["predict_decoder.fc.weight"]);
    }

    [TestMethod]
    public void FitLeavesTorchsGlobalGeneratorAsItWas()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 4, Seed = 11 });
        float[] expected = DrawAfterSeeding(1234, () => { });

        float[] afterFit = DrawAfterSeeding(1234, () => trainer.Fit(TinyModels.Source(TinyModels.Options, 4)));
        float[] withNaN = TinyModels.Sequences(TinyModels.Options, 4);
        withNaN[^1] = float.NaN; // fails mid-run, after seeding
        float[] afterFailedFit = DrawAfterSeeding(1234, () => Assert.ThrowsExactly<ArgumentException>(
            () => trainer.Fit(new InMemorySequenceSource(withNaN, TinyModels.Options.FullSequenceLength, shuffle: false))));

        CollectionAssert.AreEqual(expected, afterFit);
        CollectionAssert.AreEqual(expected, afterFailedFit);

        static float[] DrawAfterSeeding(int seed, Action between)
        {
            torch.manual_seed(seed);
            between();
            using var draw = torch.rand(8);
            return draw.data<float>().ToArray();
        }
    }

    /// <summary>Runs with dropout on two threads at once, while a third draws from torch's process-wide generator,
    /// each train exactly the model they train alone: dropout draws from the run's own generator.</summary>
    [TestMethod]
    public void ConcurrentRunsWithDropoutTrainWhatEachTrainsAlone()
    {
        var options = new TrainingOptions { Epochs = 2, BatchSize = 4, Seed = 11, LearningRate = 1e-2 };
        Assert.IsTrue(TinyModels.Options.Dropout > 0 && TinyModels.Options.Layers > 1, "the model must draw dropout masks");
        LstmAutoEncoder Train(int seed)
        {
            var model = LstmAutoEncoder.Create(TinyModels.Options, seed);
            new AutoEncoderTrainer(model, options with { Seed = seed }).Fit(TinyModels.Source(TinyModels.Options, 12));
            return model;
        }
        using LstmAutoEncoder firstAlone = Train(1), secondAlone = Train(2);

        using var stop = new CancellationTokenSource();
        var noise = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var scope = torch.NewDisposeScope();
                torch.rand(4096);
            }
        });
        var first = Task.Run(() => Train(1));
        var second = Task.Run(() => Train(2));
        using LstmAutoEncoder firstTogether = first.Result, secondTogether = second.Result;
        stop.Cancel();
        noise.Wait();

        TinyModels.AssertBitIdentical(firstAlone, firstTogether);
        TinyModels.AssertBitIdentical(secondAlone, secondTogether);
    }

    [TestMethod]
    [DataRow(OptimizerAlgorithm.Adam)]
    [DataRow(OptimizerAlgorithm.RmsProp)]
    [DataRow(OptimizerAlgorithm.Sgd)]
    public void ResumingFromACheckpointEqualsAnUninterruptedRun(OptimizerAlgorithm optimizer)
    {
        string checkpoint = Path.Combine(Path.GetTempPath(), $"lstmae-resume-{optimizer}-{Environment.ProcessId}.ckpt");
        try
        {
            // 6 sequences in batches of 4: epochs of 2 steps, the second one partial; stop mid-epoch at step 3.
            var options = new TrainingOptions { Epochs = null, MaxSteps = 7, BatchSize = 4, Seed = 11, Optimizer = optimizer, LearningRate = 1e-2 };
            using var uninterrupted = LstmAutoEncoder.Create(TinyModels.Options, seed: 3);
            new AutoEncoderTrainer(uninterrupted, options).Fit(TinyModels.Source(TinyModels.Options, 6));

            using var interrupted = LstmAutoEncoder.Create(TinyModels.Options, seed: 3);
            TrainingResult first = new AutoEncoderTrainer(interrupted, options with { MaxSteps = 3, CheckpointPath = checkpoint, ResumeFromCheckpoint = true })
                .Fit(TinyModels.Source(TinyModels.Options, 6));
            using var resumed = LstmAutoEncoder.Create(TinyModels.Options, seed: 99);
            TrainingResult result = new AutoEncoderTrainer(resumed, options with { CheckpointPath = checkpoint, ResumeFromCheckpoint = true })
                .Fit(TinyModels.Source(TinyModels.Options, 6));

            Assert.AreEqual(7, result.Steps);
            Assert.AreEqual(3, result.Epochs);
            Assert.IsNull(first.ResumedFromStep, "no checkpoint yet: a fresh start");
            Assert.AreEqual(3L, result.ResumedFromStep);
            TinyModels.AssertBitIdentical(uninterrupted, resumed);
            Assert.IsFalse(File.Exists(checkpoint + ".tmp"), "The checkpoint is written through a temporary file renamed into place.");
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    [TestMethod]
    public void ACheckpointOfAnotherModelOrOptimizerIsInvalidData()
    {
        string checkpoint = Path.Combine(Path.GetTempPath(), $"lstmae-foreign-{Environment.ProcessId}.ckpt");
        try
        {
            var options = new TrainingOptions { Epochs = 1, BatchSize = 4, CheckpointPath = checkpoint };
            using (var model = LstmAutoEncoder.Create(TinyModels.Options))
                new AutoEncoderTrainer(model, options).Fit(TinyModels.Source(TinyModels.Options, 4));
            var resume = options with { ResumeFromCheckpoint = true };

            using var wider = LstmAutoEncoder.Create(TinyModels.Options with { HiddenSize = 24 });
            var error = Assert.ThrowsExactly<InvalidDataException>(() => new AutoEncoderTrainer(wider, resume).Fit(TinyModels.Source(TinyModels.Options, 4)));
            StringAssert.Contains(error.Message, "different model");

            using var same = LstmAutoEncoder.Create(TinyModels.Options);
            error = Assert.ThrowsExactly<InvalidDataException>(() => new AutoEncoderTrainer(same, resume with { Optimizer = OptimizerAlgorithm.Sgd }).Fit(TinyModels.Source(TinyModels.Options, 4)));
            StringAssert.Contains(error.Message, "Adam optimizer state");
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }

    [TestMethod]
    public void CancellationStopsAfterTheCurrentStep()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        using var cancellation = new CancellationTokenSource();
        var steps = new List<long>();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            steps.Add(p.Step);
            if (p.Step == 2) cancellation.Cancel();
        });

        TrainingResult result = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1000, BatchSize = 2 })
            .Fit(TinyModels.Source(TinyModels.Options, 8), progress: progress, cancellationToken: cancellation.Token);

        Assert.IsTrue(result.Cancelled);
        Assert.AreEqual(2, result.Steps);
        CollectionAssert.AreEqual(new long[] { 1, 2 }, steps);
    }

    [TestMethod]
    public void ProgressReportsEveryLossTermInNatsAndValidation()
    {
        var options = TinyModels.Options with { Objective = TrainingObjective.BinaryCrossEntropy };
        using var model = LstmAutoEncoder.Create(options);
        var reports = new List<TrainingProgress>();

        TrainingResult result = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 2, BatchSize = 4, ValidateEverySteps = 2 })
            .Fit(TinyModels.Source(options, 8), TinyModels.Source(options, 4), new SynchronousProgress<TrainingProgress>(reports.Add));

        Assert.HasCount(4, reports);
        TrainingProgress last = reports[^1];
        Assert.AreEqual(last.ReconstructionLoss!.Value + last.PredictionLoss!.Value, last.Loss, 1e-6);
        Assert.AreEqual(last.PredictionLoss.Value * options.FrameSize, last.PredictionNatsPerFrame!.Value, 1e-3);
        Assert.IsNull(reports[0].ValidationLoss);
        Assert.IsNotNull(reports[1].ValidationLoss);
        Assert.IsGreaterThan(0.0, last.SequencesPerSecond);
        Assert.AreEqual(reports.Where(r => r.ValidationLoss is not null).Min(r => r.ValidationLoss), result.BestValidationLoss);
    }

    [TestMethod]
    [DataRow(TrainingObjective.BinaryCrossEntropy)]
    [DataRow(TrainingObjective.MeanSquaredError)]
    public void AStepReportsTheLossesOfItsOwnForwardPass(TrainingObjective objective)
    {
        // No dropout, one batch of all sequences in order: the step's forward pass is the model's output on them.
        var options = TinyModels.Options with { Objective = objective, Dropout = 0 };
        float[] sequences = TinyModels.Sequences(options, 4);
        using var model = LstmAutoEncoder.Create(options, seed: 5);
        using var twin = LstmAutoEncoder.Create(options, seed: 5);
        LossValues expected = EvaluateInTrainingMode(twin, sequences);
        var reports = new List<TrainingProgress>();

        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 4, InitializeOutputBiasFromData = false })
            .Fit(new InMemorySequenceSource(sequences, options.FullSequenceLength, shuffle: false),
                progress: new SynchronousProgress<TrainingProgress>(reports.Add));

        TrainingProgress step = reports.Single();
        Assert.AreEqual(expected.Loss, step.Loss);
        Assert.AreEqual(expected.ReconstructionLoss, step.ReconstructionLoss);
        Assert.AreEqual(expected.PredictionLoss, step.PredictionLoss);
        Assert.AreEqual(expected.ReconstructionNatsPerFrame, step.ReconstructionNatsPerFrame);
        Assert.AreEqual(expected.PredictionNatsPerFrame, step.PredictionNatsPerFrame);
    }

    /// <summary>The losses of the model's output on <paramref name="sequences"/>, computed here term by term.</summary>
    private static LossValues EvaluateInTrainingMode(LstmAutoEncoder model, float[] sequences)
    {
        var options = model.Options;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.Module.train();
        Tensor all = tensor(sequences).reshape(-1, options.InputFrames + options.FutureFrames, options.FrameSize);
        Tensor input = all[.., ..options.InputFrames], future = all[.., options.InputFrames..];
        AutoEncoderOutput output = model.Module.call(input, future);
        bool crossEntropy = options.Objective == TrainingObjective.BinaryCrossEntropy;
        (double Loss, double Nats) Term(Tensor decoded, Tensor target)
        {
            double loss = (crossEntropy
                ? nn.functional.binary_cross_entropy_with_logits(decoded, target)
                : nn.functional.mse_loss(decoded, target)).item<float>();
            Tensor clamped = decoded.clamp(FrameMetrics.PixelClamp, 1 - FrameMetrics.PixelClamp);
            double nats = crossEntropy
                ? loss * options.FrameSize
                : nn.functional.binary_cross_entropy(clamped, target).item<float>() * (double)options.FrameSize;
            return (loss, nats);
        }
        var reconstruction = Term(output.ReversedReconstruction!, input.flip(1));
        var prediction = Term(output.Prediction!, future);
        return new LossValues(reconstruction.Loss + prediction.Loss, reconstruction.Loss, prediction.Loss,
            reconstruction.Nats, prediction.Nats);
    }

    [TestMethod]
    public void EarlyStoppingEndsTrainingWhenValidationStopsImproving()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        // A learning rate so high that the validation loss cannot keep improving.
        var options = new TrainingOptions { Epochs = 200, BatchSize = 4, LearningRate = 5, Optimizer = OptimizerAlgorithm.Sgd, EarlyStoppingPatience = 2 };

        TrainingResult result = new AutoEncoderTrainer(model, options).Fit(TinyModels.Source(TinyModels.Options, 4), TinyModels.Source(TinyModels.Options, 4));

        Assert.AreEqual(TrainingStopReason.EarlyStopped, result.StopReason);
        Assert.IsLessThan(200, result.Epochs);
    }

    [TestMethod]
    public void AMissingCheckpointFolderIsRefusedBeforeTheFirstStep()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        string checkpoint = Path.Combine(Path.GetTempPath(), $"lstmae-absent-{Guid.NewGuid():N}", "run.ckpt");
        var steps = new List<long>();
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { MaxSteps = 3, Epochs = null, BatchSize = 4, CheckpointPath = checkpoint });

        var error = Assert.ThrowsExactly<DirectoryNotFoundException>(
            () => trainer.Fit(TinyModels.Source(TinyModels.Options, 4), progress: new SynchronousProgress<TrainingProgress>(p => steps.Add(p.Step))));

        StringAssert.Contains(error.Message, $"The folder '{Path.GetDirectoryName(checkpoint)}' of the checkpoint path '{checkpoint}' does not exist");
        Assert.IsEmpty(steps, "training ran before the refusal");
    }

    [TestMethod]
    public void ADisposedModelIsNamedByEveryCall()
    {
        var model = LstmAutoEncoder.Create(TinyModels.Options);
        float[] sequences = TinyModels.Sequences(TinyModels.Options, 2);
        model.Dispose();

        foreach (Action call in new Action[]
        {
            () => model.Encode(sequences, 2),
            () => model.Save(new MemoryStream()),
            () => model.ExportOnnx(new MemoryStream()),
            () => new AutoEncoderTrainer(model, new TrainingOptions()).Fit(TinyModels.Source(TinyModels.Options, 4)),
        })
        {
            var error = Assert.ThrowsExactly<ObjectDisposedException>(call);
            Assert.AreEqual(typeof(LstmAutoEncoder).FullName, error.ObjectName);
        }
        model.Dispose(); // a second Dispose is harmless
    }

    [TestMethod]
    public void InputOnlyRowsCannotTrainPrediction()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        var inputOnly = new InMemorySequenceSource(new float[4 * options.InputSequenceLength], options.InputSequenceLength);

        var error = Assert.ThrowsExactly<ArgumentException>(() => new AutoEncoderTrainer(model, new TrainingOptions()).Fit(inputOnly));
        var scoring = Assert.ThrowsExactly<ArgumentException>(() => new AutoEncoderTrainer(model, new TrainingOptions()).Evaluate(inputOnly));

        StringAssert.StartsWith(error.Message, "The train source's rows hold only the 3 input frames");
        StringAssert.Contains(error.Message, "cannot train or score prediction");
        StringAssert.StartsWith(scoring.Message, "The source's rows hold only the 3 input frames");
        using var reconstructionOnly = LstmAutoEncoder.Create(options with { Mode = AutoEncoderMode.ReconstructionOnly });
        Assert.AreEqual(1, new AutoEncoderTrainer(reconstructionOnly, new TrainingOptions { Epochs = 1, BatchSize = 4 }).Fit(inputOnly).Steps);
    }

    [TestMethod]
    public void BadSequenceLengthsAndNaNAreArgumentErrors()
    {
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 2 });

        var error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(new InMemorySequenceSource(new float[10], 5)));
        StringAssert.Contains(error.Message, "hold 5 floats; expected 48");

        float[] sequences = TinyModels.Sequences(options, 4);
        sequences[(3 * options.FullSequenceLength) + 5] = float.PositiveInfinity;
        error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(new InMemorySequenceSource(sequences, options.FullSequenceLength, shuffle: false)));
        StringAssert.Contains(error.Message, "Sequence 3 of epoch 0: frame 0, pixel 5 is Infinity");
    }

    [TestMethod]
    public void CrossEntropyNeedsPixelValuesInTheUnitInterval()
    {
        var options = TinyModels.Options with { Objective = TrainingObjective.BinaryCrossEntropy };
        using var model = LstmAutoEncoder.Create(options);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 2 });
        float[] sequences = TinyModels.Sequences(options, 2);
        sequences[options.FullSequenceLength + 7] = 1.5f;

        var error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(new InMemorySequenceSource(sequences, options.FullSequenceLength, shuffle: false)));

        StringAssert.Contains(error.Message, "Sequence 1 of epoch 0: frame 0, pixel 7 is 1.5");
        StringAssert.Contains(error.Message, "[0, 1]");
    }

    [TestMethod]
    public void EvaluationReportsNatsOnlyWhenEveryBatchHasThem()
    {
        // Squared error: the first batch holds pixel values, the second does not, so nats per frame are undefined
        // for the whole evaluation (not an average that counts the second batch as zero).
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        float[] sequences = TinyModels.Sequences(options, 4);
        for (int i = 2 * options.FullSequenceLength; i < sequences.Length; i++) sequences[i] = (sequences[i] * 40f) - 20f;
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 2 });

        LossValues mixed = trainer.Evaluate(new InMemorySequenceSource(sequences, options.FullSequenceLength, shuffle: false));
        LossValues pixelsOnly = trainer.Evaluate(new InMemorySequenceSource(sequences[..(2 * options.FullSequenceLength)], options.FullSequenceLength, shuffle: false));

        Assert.IsNull(mixed.ReconstructionNatsPerFrame);
        Assert.IsNull(mixed.PredictionNatsPerFrame);
        Assert.IsNotNull(pixelsOnly.ReconstructionNatsPerFrame);
        Assert.IsNotNull(mixed.ReconstructionLoss);
    }

    [TestMethod]
    public void SquaredErrorTrainsOnValuesOutsideTheUnitIntervalAndLeavesNatsUndefined()
    {
        // Sensor-like data: any finite value. Cross-entropy in nats has no meaning there, so it is reported as null.
        var options = TinyModels.Options;
        using var model = LstmAutoEncoder.Create(options);
        float[] sequences = TinyModels.Sequences(options, 4).Select(v => (v * 40f) - 20f).ToArray();
        var reports = new List<TrainingProgress>();
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 1, BatchSize = 2 });

        TrainingResult result = trainer.Fit(new InMemorySequenceSource(sequences, options.FullSequenceLength, shuffle: false),
            progress: new SynchronousProgress<TrainingProgress>(reports.Add));

        Assert.AreEqual(2, result.Steps);
        Assert.IsNotEmpty(reports);
        Assert.IsTrue(reports.All(r => r.ReconstructionNatsPerFrame is null && r.PredictionNatsPerFrame is null));
        Assert.IsTrue(reports.All(r => double.IsFinite(r.Loss)));
    }

    [TestMethod]
    public void AnEmptySourceIsAnArgumentErrorNotAnEndlessLoop()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var trainer = new AutoEncoderTrainer(model, new TrainingOptions { Epochs = null, MaxSteps = 10 });

        var error = Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(new EmptySource(TinyModels.Options.FullSequenceLength)));

        StringAssert.Contains(error.Message, "The training data holds no sequences: there is nothing to train on.");
    }

    [TestMethod]
    public void InvalidTrainingOptionsAreNamed()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new AutoEncoderTrainer(model, new TrainingOptions { BatchSize = 0 }));
        StringAssert.Contains(error.Message, "BatchSize");
        Assert.ThrowsExactly<ArgumentException>(() => new AutoEncoderTrainer(model, new TrainingOptions { Epochs = null, MaxSteps = null }));
        Assert.ThrowsExactly<ArgumentException>(() => new AutoEncoderTrainer(model, new TrainingOptions { ResumeFromCheckpoint = true }));
    }

    [TestMethod]
    public void SchedulesScaleTheLearningRateByStep()
    {
        Assert.AreEqual(1.0, LearningRateSchedule.Constant.Factor(1000));
        Assert.AreEqual(0.25, new StepDecaySchedule(10, 0.5).Factor(25), 1e-12);
        var cosine = new CosineSchedule(100, MinimumFactor: 0.1);
        Assert.AreEqual(1.0, cosine.Factor(0), 1e-12);
        Assert.AreEqual(0.55, cosine.Factor(50), 1e-12);
        Assert.AreEqual(0.1, cosine.Factor(500), 1e-12);
    }

    [TestMethod]
    public void CosineToEndFollowsTheRunsLength()
    {
        var toEnd = new CosineToEndSchedule(MinimumFactor: 0.1);
        Assert.IsTrue(toEnd.DependsOnRunLength);
        Assert.AreEqual(new CosineSchedule(40, 0.1), toEnd.ForRun(40));
        Assert.ThrowsExactly<InvalidOperationException>(() => toEnd.Factor(0));
        Assert.ThrowsExactly<ArgumentException>(() => new CosineToEndSchedule(1.5).Validate());

        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var rates = new List<double>();
        // 6 sequences in batches of 3 for 2 epochs: 4 steps; MaxSteps 3 caps the run the schedule spans.
        new AutoEncoderTrainer(model, TrainingOptions.CpuDefault with { Epochs = 2, MaxSteps = 3, BatchSize = 3 })
            .Fit(TinyModels.Source(TinyModels.Options, 6), progress: new Progress(p => rates.Add(p.LearningRate)));
        double[] expected = [.. Enumerable.Range(0, 3).Select(step => 2e-3 * new CosineSchedule(3, 0.1).Factor(step))];
        CollectionAssert.AreEqual(expected, rates);
    }

    [TestMethod]
    public void ASourceThatKnowsItsCountIsNotReadToCountIt()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        var source = new CountingSource(TinyModels.Source(TinyModels.Options, 6), knowsCount: true);

        TrainingResult result = new AutoEncoderTrainer(model, TrainingOptions.CpuDefault with
            {
                Epochs = 1, BatchSize = 3, Schedule = new CosineToEndSchedule(0.1), InitializeOutputBiasFromData = false,
            })
            .Fit(source);

        Assert.AreEqual(2, result.Steps);
        Assert.AreEqual(1, source.Reads, "epoch 0 read once, to train; never to count");
    }

    [TestMethod]
    public void CancellationStopsTheCountingPass()
    {
        using var model = LstmAutoEncoder.Create(TinyModels.Options);
        using var cancellation = new CancellationTokenSource();
        var source = new CountingSource(TinyModels.Source(TinyModels.Options, 1000, shuffle: false), knowsCount: false,
            onItem: n => { if (n == 5) cancellation.Cancel(); });

        TrainingResult result = new AutoEncoderTrainer(model, TrainingOptions.CpuDefault with
            {
                Epochs = 1, BatchSize = 2, Schedule = new CosineToEndSchedule(0.1), InitializeOutputBiasFromData = false,
            })
            .Fit(source, cancellationToken: cancellation.Token);

        Assert.IsTrue(result.Cancelled);
        Assert.AreEqual(0, result.Steps);
        Assert.IsLessThan(10, source.FirstReadItems, "the counting pass stopped soon after the cancellation");
    }

    /// <summary>Wraps a source, counting its reads and the items of its first read.</summary>
    private sealed class CountingSource(InMemorySequenceSource inner, bool knowsCount, Action<int>? onItem = null) : ISequenceSource
    {
        public int Reads { get; private set; }

        public int FirstReadItems { get; private set; }

        public int SequenceLength => inner.SequenceLength;

        public long? CountWithoutReading(CancellationToken cancellationToken) => knowsCount ? inner.Count : null;

        public IEnumerable<ReadOnlyMemory<float>> Read(int epoch)
        {
            bool first = ++Reads == 1;
            int n = 0;
            foreach (ReadOnlyMemory<float> sequence in inner.Read(epoch))
            {
                n++;
                if (first) FirstReadItems = n;
                onItem?.Invoke(n);
                yield return sequence;
            }
        }
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private static LstmAutoEncoder TrainTinyModel(int seed, LstmAutoEncoderModelOptions? options = null)
    {
        options ??= TinyModels.Options;
        var model = LstmAutoEncoder.Create(options, seed);
        new AutoEncoderTrainer(model, new TrainingOptions { Epochs = 2, BatchSize = 3, Seed = seed }).Fit(TinyModels.Source(options, 6));
        return model;
    }

    private sealed class EmptySource(int sequenceLength) : ISequenceSource
    {
        public int SequenceLength => sequenceLength;

        public IEnumerable<ReadOnlyMemory<float>> Read(int epoch) => [];
    }
}
