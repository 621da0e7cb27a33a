using System.Diagnostics;
using LstmAe.Interop;
using LstmAe.Model;
using LstmAe.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// Trains an <see cref="LstmAutoEncoder"/> on minibatches from an <see cref="ISequenceSource"/>: the composite loss
/// (<see cref="AutoEncoderLoss"/>), the chosen optimizer, optional clipping, schedule, validation, early stopping
/// and checkpoints. Native memory stays flat: each step runs in its own dispose scope.
/// </summary>
/// <remarks>
/// On the CPU, training draws dropout masks from a generator of its own, seeded with <see cref="TrainingOptions.Seed"/>
/// and kept in checkpoints, so runs on other threads (other trainers, model creation, a user's own torch code) do not
/// change its results, and it changes nothing of theirs. On CUDA, dropout draws from the process-wide CUDA
/// generators, which <see cref="Fit"/> seeds (all of them) and TorchSharp 0.107 cannot read: concurrent runs with
/// dropout on any GPUs of the process are not reproducible, and a resumed CUDA run is reproducible but not
/// bit-identical to an uninterrupted one.
/// </remarks>
public sealed class AutoEncoderTrainer
{
    private readonly LstmAutoEncoder _model;
    private readonly TrainingOptions _options;

    /// <summary>Creates a trainer; nothing runs until <see cref="Fit"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public AutoEncoderTrainer(LstmAutoEncoder model, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _options = options;
    }

    /// <summary>The training options.</summary>
    public TrainingOptions Options => _options;

    /// <summary>
    /// The model a checkpoint written by <see cref="Fit"/> holds, its weights as at the checkpoint's step: to encode
    /// with, save or export a run that stopped, without resuming it. The optimizer state is not read.
    /// </summary>
    /// <param name="checkpointPath">The checkpoint (<see cref="TrainingOptions.CheckpointPath"/>).</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N" (<see cref="TorchDevices"/>); it must be present.</param>
    /// <param name="matrixPrecision">The product format to run in; null for the saved one where this CPU runs it
    /// natively, as <see cref="LstmAutoEncoder.Load(Stream, string, MatrixPrecision?)"/> chooses.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is damaged, or holds a value no run
    /// writes; the message names it.</exception>
    /// <exception cref="ArgumentException"><paramref name="device"/> is not one of <see cref="TorchDevices.Accepted"/>.</exception>
    public static LstmAutoEncoder LoadCheckpointModel(string checkpointPath, string device = "cpu", MatrixPrecision? matrixPrecision = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        TorchDevices.RequireKnown(device, nameof(device));
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"The checkpoint '{checkpointPath}' does not exist.", checkpointPath);
        var (options, weights, _) = TrainingCheckpoint.ReadModel(checkpointPath);
        using (weights)
        {
            return LstmAutoEncoder.FromWeights(options, weights, device, matrixPrecision, checkpointPath);
        }
    }

    /// <summary>
    /// Trains until the epochs or steps run out, validation stops improving, or <paramref name="cancellationToken"/>
    /// fires (checked between steps, so training stops after the step in progress). Dropout draws from a CPU generator
    /// of the run's own, seeded with <see cref="TrainingOptions.Seed"/> or restored from the checkpoint when resuming;
    /// on CUDA the process's CUDA generators are seeded with it (see the remarks on the class). Runs on other threads
    /// and other trainers do not change the results on the CPU.
    /// </summary>
    /// <param name="train">Training sequences; rows must hold the future frames unless the model only reconstructs.</param>
    /// <param name="validation">Optional held-out sequences for validation loss and early stopping.</param>
    /// <param name="progress">Receives a report after every step (every <see cref="TrainingOptions.ReportEverySteps"/>
    /// steps where that is more than 1, as on CUDA by default), synchronously on the training thread: an
    /// <see cref="IProgress{T}"/> of your own sees each step before the next starts, where <see cref="Progress{T}"/>
    /// posts its reports to the thread pool (or the captured synchronization context) and sees them later.</param>
    /// <param name="cancellationToken">Stops training after the current step.</param>
    /// <exception cref="ArgumentException">A source's sequences do not fit the model, hold NaN or infinite values, or
    /// hold values outside [0, 1] under the cross-entropy objective.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is unreadable, damaged, or for another
    /// model, optimizer, batch size or seed.</exception>
    /// <exception cref="InvalidOperationException">Training diverged: a step's loss or gradient norm is NaN or infinite
    /// (the message names the step; the weights are left as after the step before).</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <see cref="TrainingOptions.CheckpointPath"/> does not
    /// exist (checked before the first step, not when the first checkpoint is due).</exception>
    public TrainingResult Fit(ISequenceSource train, ISequenceSource? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _model.ThrowIfDisposed();
        if (_options.CheckpointPath is { } checkpoint && Path.GetDirectoryName(Path.GetFullPath(checkpoint)) is { } folder
            && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(
                $"The folder '{folder}' of the checkpoint path '{checkpoint}' does not exist; create it before training, " +
                "or checkpoints would fail only when the first is due.");
        }

        var trainBatches = new MinibatchReader(train, _model.Options, _options.BatchSize, _model.Device, nameof(train));
        MinibatchReader? validationBatches = validation is null
            ? null
            : new MinibatchReader(validation, _model.Options, _options.BatchSize, _model.Device, nameof(validation));
        LearningRateSchedule schedule = _options.Schedule.DependsOnRunLength
            ? _options.Schedule.ForRun(RunLength(train, cancellationToken))
            : _options.Schedule;
        var run = new Run(this, trainBatches, validationBatches, schedule, progress, cancellationToken);
        return run.Execute();
    }

    /// <summary>The steps a run over <paramref name="train"/> takes unless it stops early: <see cref="TrainingOptions.Epochs"/>
    /// times the minibatches of epoch 0 (<see cref="ISequenceSource.CountWithoutReading"/>, else counted by reading epoch 0
    /// once), capped by <see cref="TrainingOptions.MaxSteps"/>. Cancellation stops the counting; the run then stops
    /// as cancelled before its first step.</summary>
    private long RunLength(ISequenceSource train, CancellationToken cancellationToken)
    {
        if (_options.Epochs is not { } epochs) return _options.MaxSteps!.Value;
        long sequences = train.CountWithoutReading(cancellationToken) ?? CountSequences(train, cancellationToken);
        long batches = Math.Max(1, (sequences + _options.BatchSize - 1) / _options.BatchSize);
        long steps = batches > long.MaxValue / epochs ? long.MaxValue : batches * epochs;
        return Math.Min(steps, _options.MaxSteps ?? long.MaxValue);
    }

    private static long CountSequences(ISequenceSource train, CancellationToken cancellationToken)
    {
        long sequences = 0;
        foreach (ReadOnlyMemory<float> _ in train.Read(0))
        {
            if (cancellationToken.IsCancellationRequested) break;
            sequences++;
        }
        return sequences;
    }

    /// <summary>The loss on every sequence of <paramref name="source"/> (epoch 0), in eval mode, weighted by sequence.</summary>
    /// <exception cref="ArgumentException">The source's sequences do not fit the model, hold NaN or infinite values,
    /// or hold values outside [0, 1] under the cross-entropy objective.</exception>
    public LossValues Evaluate(ISequenceSource source)
    {
        var batches = new MinibatchReader(source, _model.Options, _options.BatchSize, _model.Device, nameof(source));
        return Evaluate(batches);
    }

    private LossValues Evaluate(MinibatchReader batches)
    {
        bool wasTraining = _model.Module.training;
        _model.Module.eval();
        try
        {
            using var noGrad = no_grad();
            var sums = new LossAccumulator();
            foreach (BufferedMinibatch buffered in batches.Read(epoch: 0))
            {
                using var scope = NewDisposeScope();
                Minibatch batch = batches.ToTensors(buffered);
                AutoEncoderOutput output = _model.Module.call(batch.Input, batch.Future);
                sums.Add(AutoEncoderLoss.Values(output, batch.Input, batch.Future, _model.Options.Objective), batch.Count);
            }
            return sums.Mean();
        }
        finally
        {
            _model.Module.train(wasTraining);
        }
    }

    /// <summary>Added to the gradient norm before dividing, as in <c>clip_grad_norm_</c>.</summary>
    private const float ClipEpsilon = 1e-6f;

    /// <summary>The state of one <see cref="Fit"/> call.</summary>
    private sealed class Run(AutoEncoderTrainer trainer, MinibatchReader trainBatches, MinibatchReader? validationBatches,
        LearningRateSchedule schedule, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        private readonly TrainingOptions _options = trainer._options;
        private readonly LstmAutoEncoder _model = trainer._model;
        private readonly Stopwatch _wallClock = Stopwatch.StartNew();
        private readonly Stopwatch _trainingClock = new();
        private TrainingPosition _position = new(0, 0, 0, null, 0);
        private TrainingProgress? _last;
        private long _sequencesSeen;
        private bool _initializeOutputBias;
        private ParallelDecoderPass? _parallelDecoders;
        private int _reportEvery = 1;
        private DeviceLossSums? _pending;
        private Generator? _dropoutDraws;
        private Tensor? _maxNormOnDevice, _epsilonOnDevice;
        private double _lastLearningRate;

        public TrainingResult Execute()
        {
            bool trainingBefore = _model.Module.training;
            using IDisposable? heap = _options.RetainFreedNativeMemory ? GlibcHeap.RetainFreedBlocks() : null;
            using ParallelDecoderPass? parallel = _options.ParallelDecoders ? ParallelDecoderPass.For(_model) : null;
            using TensorFloat32Scope? tf32 = TensorFloat32Scope.For(_model.Device.type, _model.Options.MatrixPrecision, _options.AllowTensorFloat32);
            _reportEvery = _options.ReportEverySteps
                ?? (_model.Device.type == DeviceType.CUDA ? TrainingOptions.DefaultCudaReportEverySteps : 1);
            using DeviceLossSums? sums = _reportEvery > 1 ? new DeviceLossSums() : null;
            _pending = sums;
            // The clipping constants live on the device for the run: made per step, each would be a host copy.
            using Tensor? maxNorm = sums is not null && _options.GradientClipNorm is { } clip
                ? tensor((float)clip, device: _model.Device).DetachFromDisposeScope() : null;
            using Tensor? epsilon = sums is not null ? tensor(ClipEpsilon, device: _model.Device).DetachFromDisposeScope() : null;
            (_maxNormOnDevice, _epsilonOnDevice) = (maxNorm, epsilon);
            _parallelDecoders = parallel;
            using ParameterOptimizer optimizer = ParameterOptimizer.Create(_options.Optimizer, _model.Module.TrainedParameters(), _options.Momentum);
            // The run's own dropout draws (the CPU's); the seed gives the stream torch.manual_seed(seed) would.
            using var dropoutDraws = new Generator(unchecked((ulong)_options.Seed), new Device(DeviceType.CPU));
            if (_model.Device.type == DeviceType.CUDA) torch.cuda.manual_seed_all(_options.Seed);
            _model.Module.DropoutDraws = dropoutDraws;
            _dropoutDraws = dropoutDraws;
            try
            {
                bool resuming = _options.ResumeFromCheckpoint && File.Exists(_options.CheckpointPath);
                _initializeOutputBias = !resuming && _options.InitializeOutputBiasFromData && _model.HasInitialWeights;
                // From here the weights are no longer Create's, even if the restore below fails half-way.
                _model.HasInitialWeights = false;
                if (resuming) _position = TrainingCheckpoint.Restore(_options.CheckpointPath!, _model, _options, optimizer, dropoutDraws);
                long? resumedAt = resuming ? _position.Step : null;
                TrainingStopReason reason = Train(optimizer);
                if (_options.CheckpointPath is not null) TrainingCheckpoint.Write(_options.CheckpointPath, _position, _model, _options, optimizer, dropoutDraws);
                return new TrainingResult(reason, _position.Step, _position.Epoch, _last, _position.BestValidationLoss, _wallClock.Elapsed)
                {
                    ResumedFromStep = resumedAt,
                };
            }
            finally
            {
                _model.Module.DropoutDraws = null;
                _model.Module.train(trainingBefore);
            }
        }

        /// <summary>
        /// Starts the decoders at the mean frame of the first step's minibatch (all its frames, input and future),
        /// each pixel's mean pulled towards the batch's overall mean by a few frames' worth of weight, so that a
        /// pixel the batch never lit gets a low but finite logit.
        /// </summary>
        private void InitializeOutputBias(Minibatch batch)
        {
            // A few frames' weight: enough to keep never-lit pixels near logit -6 on Moving MNIST, little enough
            // that the 320 frames of a batch of 16 decide the rest.
            const int PriorFrames = 16;
            // A blank or saturated pixel would put the logit at infinity; keep it where gradients still flow.
            const double Margin = 1e-4;
            using var scope = NewDisposeScope();
            Tensor frames = batch.Future is null ? batch.Input : cat([batch.Input, batch.Future], dim: 1);
            frames = frames.reshape(-1, _model.Options.FrameSize);
            // Float32 sums, as the runs in docs/performance.md were made (so they reproduce); float64 only where MSE
            // data overflows float32.
            Tensor pixelSums = frames.sum(dim: 0L);
            if (!pixelSums.isfinite().all().item<bool>()) pixelSums = frames.sum(dim: 0L, type: ScalarType.Float64);
            double[] sums = pixelSums.to(ScalarType.Float64).cpu().data<double>().ToArray();
            double count = frames.shape[0], overall = sums.Sum() / (count * sums.Length);
            bool crossEntropy = _model.Options.Objective == TrainingObjective.BinaryCrossEntropy;
            float[] meanFrame = sums.Select(sum =>
            {
                double mean = (sum + (PriorFrames * overall)) / (count + PriorFrames);
                return (float)(crossEntropy ? Math.Clamp(mean, Margin, 1 - Margin) : mean);
            }).ToArray();
            _model.InitializeOutputBias(meanFrame);
        }

        private TrainingStopReason Train(ParameterOptimizer optimizer)
        {
            TrainingStopReason reason = TrainSteps(optimizer);
            ReportPending();
            return reason;
        }

        private TrainingStopReason TrainSteps(ParameterOptimizer optimizer)
        {
            while (_options.Epochs is not { } epochs || _position.Epoch < epochs)
            {
                bool resumingMidEpoch = _position.BatchesIntoEpoch > 0, any = false;
                bool cuda = _model.Device.type == DeviceType.CUDA;
                using MinibatchPrefetch? ahead = _options.PrefetchMinibatches ?? MinibatchPrefetch.Serves(_model.Device.type)
                    ? new MinibatchPrefetch(trainBatches, _position.Epoch, _position.BatchesIntoEpoch, pinned: cuda)
                    : null;
                IEnumerable<(BufferedMinibatch Info, Tensor? Host)> batches = ahead is not null
                    ? ahead.Read().Select(b => (b.Info, (Tensor?)b.Host))
                    : trainBatches.Read(_position.Epoch, _position.BatchesIntoEpoch).Select(b => (b, (Tensor?)null));
                foreach ((BufferedMinibatch buffered, Tensor? host) in batches)
                {
                    any = true;
                    if (_position.Step >= _options.MaxSteps || cancellationToken.IsCancellationRequested)
                    {
                        host?.Dispose();
                        return _position.Step >= _options.MaxSteps ? TrainingStopReason.MaxStepsReached : TrainingStopReason.Cancelled;
                    }
                    TrainingProgress? report = Step(optimizer, buffered, host);
                    _position = _position with { Step = _position.Step + 1, BatchesIntoEpoch = _position.BatchesIntoEpoch + 1 };
                    bool validating = _options.ValidateEverySteps is { } every && _position.Step % every == 0;
                    bool checkpointing = _position.Step % _options.CheckpointEverySteps == 0;
                    // Deferred losses are read every reportEvery steps, and before a validation or a checkpoint.
                    if (report is null && (_pending!.Steps >= _reportEvery || validating || checkpointing)) report = ReadPending();
                    double? validationLoss = validating ? Validate() : null;
                    if (report is not null) Report(report with { Step = _position.Step, ValidationLoss = validationLoss });
                    if (checkpointing)
                        TrainingCheckpoint.Write(_options.CheckpointPath!, _position, _model, _options, optimizer, _dropoutDraws!);
                    if (PatienceExhausted) return TrainingStopReason.EarlyStopped;
                }
                if (!any && !resumingMidEpoch)
                {
                    throw new ArgumentException(_position.Epoch == 0
                        ? "The training data holds no sequences: there is nothing to train on."
                        : $"The training data yielded no sequences in a later epoch, after {_position.Step} steps in the earlier ones.");
                }

                ReportPending();
                _position = _position with { Epoch = _position.Epoch + 1, BatchesIntoEpoch = 0 };
                if (_options.ValidateEverySteps is null && validationBatches is not null)
                {
                    double loss = Validate()!.Value;
                    if (_last is not null) Report(_last with { ValidationLoss = loss });
                    if (PatienceExhausted) return TrainingStopReason.EarlyStopped;
                }
                if (_position.Step >= _options.MaxSteps) return TrainingStopReason.MaxStepsReached;
            }
            return TrainingStopReason.EpochsCompleted;
        }

        /// <summary>Reports the steps whose losses are still on the device, if any.</summary>
        private void ReportPending()
        {
            if (_pending is { Steps: > 0 }) Report(ReadPending());
        }

        /// <summary>Reads the deferred steps' losses from the device (one synchronisation) as a report for the current
        /// step, after checking that every one of them was finite.</summary>
        private TrainingProgress ReadPending()
        {
            _trainingClock.Start();
            DeviceLossSums.Reading reading = _pending!.Read(_model.Options.HasReconstructionDecoder, _model.Options.HasPredictionDecoder, _model.Options.FrameSize);
            _trainingClock.Stop();
            LossValues values = reading.Losses;
            if (!reading.AllFinite)
            {
                throw new InvalidOperationException(
                    $"Training diverged between steps {_position.Step - reading.Steps + 1} and {_position.Step} (epoch {_position.Epoch}): " +
                    $"a loss or gradient norm is NaN or infinite (mean loss {values.Loss}, last gradient norm {reading.LastGradientNorm}, " +
                    $"learning rate {_lastLearningRate}). Losses are read every {_reportEvery} steps ({nameof(TrainingOptions.ReportEverySteps)}), " +
                    $"so the weights hold those steps' updates. Lower {nameof(TrainingOptions.LearningRate)} or set " +
                    $"{nameof(TrainingOptions.GradientClipNorm)}, and start again or resume from a checkpoint.");
            }

            return new TrainingProgress(_position.Step, _position.Epoch, values.Loss, values.ReconstructionLoss, values.PredictionLoss,
                null, _sequencesSeen / _trainingClock.Elapsed.TotalSeconds, values.ReconstructionNatsPerFrame,
                values.PredictionNatsPerFrame, _lastLearningRate, reading.LastGradientNorm);
        }

        /// <summary>One step; its report, or null when its losses stay on the device until the next report.</summary>
        /// <param name="optimizer">The optimizer.</param>
        /// <param name="buffered">The minibatch, in the reader's buffer unless <paramref name="host"/> holds it.</param>
        /// <param name="host">The minibatch prepared by <see cref="MinibatchPrefetch"/>, freed here; or null.</param>
        private TrainingProgress? Step(ParameterOptimizer optimizer, BufferedMinibatch buffered, Tensor? host)
        {
            _trainingClock.Start();
            using Tensor? owned = host;
            using var scope = NewDisposeScope();
            _model.Module.train();
            Minibatch batch = host is null ? trainBatches.ToTensors(buffered) : trainBatches.OnDevice(host, buffered.Count);
            if (_initializeOutputBias)
            {
                // Here, not before training: the first batch is read once, as a read-once source requires.
                InitializeOutputBias(batch);
                _initializeOutputBias = false;
            }
            double learningRate = _options.LearningRate * schedule.Factor(_position.Step);

            optimizer.ZeroGrad();
            AutoEncoderLoss.Terms terms = ForwardBackward(batch);
            if (_pending is not null)
            {
                // Nothing here waits for the device: norm, clipping and loss figures stay there.
                _pending.Add(terms.DeviceStatistics(), ClipOnDevice(optimizer.Parameters));
                optimizer.Step(learningRate);
                _trainingClock.Stop();
                _sequencesSeen += batch.Count;
                _lastLearningRate = learningRate;
                return null;
            }
            // clip_grad_norm_ is safe under concurrent collections: it passes only doubles and parameter handles.
            double gradientNorm = _options.GradientClipNorm is { } maxNorm
                ? nn.utils.clip_grad_norm_(optimizer.Parameters, maxNorm)
                : GradientNorm(optimizer.Parameters);
            LossValues values = terms.Values();
            RequireFinite(values.Loss, gradientNorm, learningRate);
            optimizer.Step(learningRate);

            _trainingClock.Stop();
            _sequencesSeen += batch.Count;
            return new TrainingProgress(_position.Step, _position.Epoch, values.Loss, values.ReconstructionLoss,
                values.PredictionLoss, null, _sequencesSeen / _trainingClock.Elapsed.TotalSeconds,
                values.ReconstructionNatsPerFrame, values.PredictionNatsPerFrame, learningRate, gradientNorm);
        }

        /// <summary>
        /// Stops training before a step whose loss or gradient is NaN or infinite would write NaN into every weight
        /// (the weights stay those of the step before). Such a run has diverged: training on would only report NaN.
        /// </summary>
        private void RequireFinite(double loss, double gradientNorm, double learningRate)
        {
            if (double.IsFinite(loss) && double.IsFinite(gradientNorm)) return;
            throw new InvalidOperationException(
                $"Training diverged at step {_position.Step + 1} (epoch {_position.Epoch}): the loss is {loss} and the gradient norm " +
                $"{gradientNorm} (learning rate {learningRate}). Lower {nameof(TrainingOptions.LearningRate)} or set " +
                $"{nameof(TrainingOptions.GradientClipNorm)}; the weights are those after step {_position.Step}.");
        }

        /// <summary>The step's forward and backward passes, the decoders on two threads where that applies.</summary>
        private AutoEncoderLoss.Terms ForwardBackward(Minibatch batch)
        {
            if (_parallelDecoders is not null) return _parallelDecoders.ForwardBackward(_model.Module, batch, _model.Options.Objective);
            AutoEncoderOutput output = _model.Module.call(batch.Input, batch.Future);
            var terms = AutoEncoderLoss.Terms.Of(output, batch.Input, batch.Future, _model.Options.Objective);
            terms.Loss.backward();
            return terms;
        }

        /// <summary>Runs validation when there is a source, tracking the best loss; null otherwise.</summary>
        private double? Validate()
        {
            if (validationBatches is null) return null;
            double loss = trainer.Evaluate(validationBatches).Loss;
            _position = loss < (_position.BestValidationLoss ?? double.PositiveInfinity)
                ? _position with { BestValidationLoss = loss, ValidationsWithoutImprovement = 0 }
                : _position with { ValidationsWithoutImprovement = _position.ValidationsWithoutImprovement + 1 };
            return loss;
        }

        private bool PatienceExhausted => _position.ValidationsWithoutImprovement >= _options.EarlyStoppingPatience;

        private void Report(TrainingProgress report)
        {
            _last = report;
            progress?.Report(report);
        }

        /// <summary>
        /// The global gradient norm as a device scalar and, with <see cref="TrainingOptions.GradientClipNorm"/>, the
        /// gradients scaled by min(1, max norm / (norm + 1e-6)) on the device: <c>clip_grad_norm_</c>'s arithmetic
        /// without reading the norm back.
        /// </summary>
        private Tensor ClipOnDevice(IReadOnlyList<Parameter> parameters)
        {
            using var noGrad = no_grad();
            Tensor[] gradients = parameters.Where(p => p.grad is not null).Select(p => p.grad!).ToArray();
            if (gradients.Length == 0) return zeros(1, device: _model.Device);
            Tensor total = stack(gradients.Select(g => g.norm()).ToArray()).norm();
            if (_maxNormOnDevice is null) return total;
            Tensor coefficient = _maxNormOnDevice.div(RetainedScalars.Sum(total, _epsilonOnDevice!)).clamp_max(RetainedScalars.One);
            foreach (Tensor gradient in gradients) gradient.mul_(coefficient);
            return total;
        }

        private static double GradientNorm(IEnumerable<Parameter> parameters)
        {
            using var noGrad = no_grad();
            Tensor[] norms = parameters.Where(p => p.grad is not null).Select(p => p.grad!.norm()).ToArray();
            return norms.Length == 0 ? 0 : stack(norms).norm().item<float>();
        }
    }

    /// <summary>Sums loss terms weighted by minibatch size. A figure is reported only when every minibatch had it:
    /// nats per frame are undefined for a batch whose targets are not pixel values.</summary>
    private sealed class LossAccumulator
    {
        private double _loss;
        private long _count;
        private Term _reconstruction, _prediction, _reconstructionNats, _predictionNats;

        public void Add(LossValues values, int sequences)
        {
            _loss += values.Loss * sequences;
            _reconstruction.Add(values.ReconstructionLoss, sequences);
            _prediction.Add(values.PredictionLoss, sequences);
            _reconstructionNats.Add(values.ReconstructionNatsPerFrame, sequences);
            _predictionNats.Add(values.PredictionNatsPerFrame, sequences);
            _count += sequences;
        }

        public LossValues Mean()
        {
            if (_count == 0) throw new ArgumentException("The source yielded no sequences.");
            return new LossValues(_loss / _count, _reconstruction.Mean(_count), _prediction.Mean(_count),
                _reconstructionNats.Mean(_count), _predictionNats.Mean(_count));
        }

        /// <summary>One optional figure: its weighted sum, and whether every batch so far had it.</summary>
        private struct Term
        {
            private double _sum;
            private bool _missing;

            public void Add(double? value, int sequences)
            {
                if (value is null) _missing = true;
                else _sum += value.Value * sequences;
            }

            public readonly double? Mean(long count) => _missing ? null : _sum / count;
        }
    }
}
