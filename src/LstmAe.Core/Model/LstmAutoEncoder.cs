using LstmAe.Interop;
using LstmAe.IO;
using LstmAe.Onnx;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>
/// A composite LSTM autoencoder ready to use: creation, inference on host arrays, and persistence. Training lives
/// in <c>LstmAe.Training.AutoEncoderTrainer</c>; the underlying TorchSharp module is <see cref="Module"/>.
/// </summary>
/// <remarks>
/// Batch methods take <c>count</c> sequences laid out row after row. A row holds either the input frames or the
/// input frames followed by the future frames (the stride is inferred from the length); only the input frames
/// are read. Each frame is <see cref="LstmAutoEncoderModelOptions.FrameSize"/> floats, row-major, in [0, 1].
/// Inference runs in eval mode under <c>torch.no_grad()</c>, in chunks so memory stays bounded.
/// Inference calls may run concurrently on one instance (the model rests in eval mode); they must not overlap a
/// training run on it. Models may be created, loaded and trained on several threads at once: their initial weights
/// and (on the CPU) dropout masks come from generators of their own, so none changes another's results.
/// </remarks>
public sealed class LstmAutoEncoder : IDisposable
{
    private volatile bool _disposed;

    /// <summary>Sequences per forward pass during inference: bounds memory for large inputs.</summary>
    private const int InferenceChunk = 64;

    /// <param name="options">Sizes and variants, validated.</param>
    /// <param name="device">Where the weights go.</param>
    /// <param name="seed">Draws the weights from this seed (<see cref="WeightInitialization"/>); null for weights that
    /// are about to be replaced.</param>
    private LstmAutoEncoder(LstmAutoEncoderModelOptions options, Device device, int? seed = null)
    {
        Options = options;
        Device = device;
        Module = new CompositeLstmAutoEncoderModule(options);
        if (seed is { } s) WeightInitialization.Reset(Module, s);
        Module.to(device);
        // Rest in eval mode: only the trainer switches to training mode, and restores this after. Inference calls
        // from parallel cursors then never see (or restore) a training-mode flag another thread set.
        Module.eval();
    }

    /// <summary>The sizes and variants this model was built with.</summary>
    public LstmAutoEncoderModelOptions Options { get; }

    /// <summary>The TorchSharp module (encoder and decoders), for training and direct tensor use.</summary>
    /// <remarks>
    /// A bfloat16 model's inference reuses bfloat16 casts of the weights while libtorch's version counter of each
    /// weight is unchanged. libtorch's in-place operations (<c>copy_</c>, optimizer steps) raise it, and so does
    /// <c>load</c> on this module or its encoder and decoders; writes through a tensor's memory (<c>bytes</c>,
    /// <c>data&lt;T&gt;()</c>) do not: after such a write, call <c>copy_</c> of each written weight onto itself, or
    /// inference keeps the old weights' casts.
    /// </remarks>
    public CompositeLstmAutoEncoderModule Module { get; }

    /// <summary>
    /// True for a model straight from <see cref="Create"/>: weights neither loaded, initialised from data nor
    /// trained. The trainer adjusts only such a model's output biases to the data
    /// (<c>TrainingOptions.InitializeOutputBiasFromData</c>), so it never overwrites weights a user loaded through
    /// this class. Changes made through <see cref="Module"/> directly are not tracked.
    /// </summary>
    internal bool HasInitialWeights { get; set; }

    /// <summary>The device holding the weights.</summary>
    public Device Device { get; }

    /// <summary>
    /// Creates a model with freshly initialised weights. The same seed gives the same weights, on any thread and
    /// whatever else draws random numbers meanwhile: they come from a generator of their own (PyTorch's default
    /// initialisation, the weights <c>torch.manual_seed(seed)</c> then building the modules gives). Building the
    /// modules also draws from torch's process-wide generator, as constructing any TorchSharp module does (so does
    /// <see cref="Load(Stream, string, MatrixPrecision?)"/>); the weights do not depend on those draws.
    /// </summary>
    /// <param name="options">Sizes and variants; validated.</param>
    /// <param name="seed">Seed for weight initialisation.</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N" (<see cref="TorchDevices"/>); it must be present.</param>
    /// <exception cref="ArgumentException">The options are invalid, or <paramref name="device"/> is not one of
    /// <see cref="TorchDevices.Accepted"/> (the message names it).</exception>
    /// <exception cref="InvalidOperationException"><paramref name="device"/> names CUDA and no CUDA device is
    /// available (TorchSharp's error).</exception>
    public static LstmAutoEncoder Create(LstmAutoEncoderModelOptions options, int seed = 0, string device = "cpu")
    {
        ArgumentNullException.ThrowIfNull(options);
        TorchDevices.RequireKnown(device, nameof(device));
        LstmAutoEncoder model = Build(options, device, seed);
        model.HasInitialWeights = true;
        return model;
    }

    /// <summary>The modules <paramref name="options"/> describe on <paramref name="device"/>, their weights drawn
    /// from <paramref name="seed"/>, or left as construction made them when null (weights about to be replaced).</summary>
    private static LstmAutoEncoder Build(LstmAutoEncoderModelOptions options, string device, int? seed)
    {
        options.Validate();
        // Before the model's first product: later, MKL no longer accepts the mode.
        MklReproducibility.Enable();
        // The process-wide generator's state is not saved and put back around the construction's draws: libtorch
        // sets a state without the generator's lock, which would race with draws on other threads.
        return new LstmAutoEncoder(options, new Device(device), seed);
    }

    /// <summary>
    /// Runs the model once per chunk of sequences and writes every output <paramref name="outputs"/> asks for
    /// (those with a non-empty span): cheaper than calling <see cref="Encode(ReadOnlySpan{float}, int, EncoderFeatures)"/>,
    /// <see cref="Reconstruct"/>, <see cref="Predict"/> and <see cref="ReconstructionError"/> one after another.
    /// </summary>
    /// <param name="sequences">The sequences, row after row.</param>
    /// <param name="count">Number of sequences.</param>
    /// <param name="outputs">The buffers to fill, each sized for <paramref name="count"/> rows.</param>
    /// <exception cref="ArgumentException">A length is wrong, a value is not finite, or no output is asked for.</exception>
    /// <exception cref="InvalidOperationException">An output needs a decoder the model does not have.</exception>
    public void Infer(ReadOnlySpan<float> sequences, int count, InferenceOutputs outputs)
    {
        RequireDecoders(outputs);
        var batch = new HostSequenceBatch(sequences, count, Options, nameof(sequences));
        RequireOutputs(outputs, count);
        Run(batch, outputs);
    }

    /// <summary><see cref="Infer(ReadOnlySpan{float}, int, InferenceOutputs)"/> on rows staged in a buffer from
    /// <see cref="CreateInputBuffer"/> (their values already checked).</summary>
    /// <exception cref="ArgumentException">A buffer has the wrong length, or no output is asked for.</exception>
    /// <exception cref="InvalidOperationException">An output needs a decoder the model does not have.</exception>
    internal void Infer(InputFrameBuffer.Rows rows, InferenceOutputs outputs)
    {
        RequireDecoders(outputs);
        RequireOutputs(outputs, rows.Count);
        Run(rows, outputs);
    }

    /// <summary>
    /// A buffer for <paramref name="capacity"/> sequences in the format this model's inference feeds its encoder
    /// (<see cref="InputFormat"/>), to be filled row by row and passed to <see cref="Infer(InputFrameBuffer.Rows, InferenceOutputs)"/>.
    /// </summary>
    /// <param name="capacity">Sequences the buffer holds.</param>
    /// <param name="compareFrames">True when the reconstruction error is wanted, which compares the frames
    /// themselves and so needs them in float32.</param>
    internal InputFrameBuffer CreateInputBuffer(int capacity, bool compareFrames) =>
        new(Options, capacity, InputFormat(compareFrames));

    /// <summary>
    /// The format of the frames inference feeds the encoder: bfloat16 on the CPU where the products are bfloat16
    /// (the values the first product would cast them to, written so without a float32 tensor in between) unless
    /// <paramref name="compareFrames"/>; float32 otherwise.
    /// </summary>
    private ScalarType InputFormat(bool compareFrames) =>
        Options.MatrixPrecision == MatrixPrecision.BFloat16 && Device.type == DeviceType.CPU && !compareFrames
            ? ScalarType.BFloat16
            : ScalarType.Float32;

    private void RequireDecoders(InferenceOutputs outputs)
    {
        if (!outputs.Reconstruction.IsEmpty || !outputs.ReconstructionError.IsEmpty)
            RequireDecoder(Options.HasReconstructionDecoder, "reconstruct", AutoEncoderMode.PredictionOnly);
        if (!outputs.Prediction.IsEmpty)
            RequireDecoder(Options.HasPredictionDecoder, "predict", AutoEncoderMode.ReconstructionOnly);
    }

    private void RequireOutputs(InferenceOutputs outputs, int count)
    {
        if (outputs.Features.IsEmpty && outputs.Reconstruction.IsEmpty && outputs.Prediction.IsEmpty && outputs.ReconstructionError.IsEmpty)
            throw new ArgumentException("No output requested: every buffer is empty.", nameof(outputs));
        if (!outputs.Features.IsEmpty)
            RequireLength(outputs.Features, count, Options.FeatureSize(outputs.FeatureSet), nameof(outputs.Features));
        if (!outputs.Reconstruction.IsEmpty)
            RequireLength(outputs.Reconstruction, count, Options.InputSequenceLength, nameof(outputs.Reconstruction));
        if (!outputs.Prediction.IsEmpty)
            RequireLength(outputs.Prediction, count, FutureSequenceLength, nameof(outputs.Prediction));
        if (!outputs.ReconstructionError.IsEmpty)
            RequireLength(outputs.ReconstructionError, count, 1, nameof(outputs.ReconstructionError));
    }

    /// <summary>Encodes each sequence's input frames into a feature vector written to <paramref name="destination"/>.</summary>
    /// <param name="sequences">The sequences, row after row.</param>
    /// <param name="count">Number of sequences.</param>
    /// <param name="features">Which encoder state to return.</param>
    /// <param name="destination">count x <see cref="LstmAutoEncoderModelOptions.FeatureSize"/>(<paramref name="features"/>) floats.</param>
    /// <exception cref="ArgumentException">A length is wrong or a value is not finite.</exception>
    public void Encode(ReadOnlySpan<float> sequences, int count, EncoderFeatures features, Span<float> destination)
    {
        var batch = new HostSequenceBatch(sequences, count, Options, nameof(sequences));
        RequireLength(destination, count, Options.FeatureSize(features), nameof(destination));
        Run(batch, new InferenceOutputs { Features = destination, FeatureSet = features });
    }

    /// <summary>Encodes each sequence's input frames into a feature vector.</summary>
    /// <param name="sequences">The sequences, row after row.</param>
    /// <param name="count">Number of sequences.</param>
    /// <param name="features">Which encoder state to return.</param>
    /// <returns>count x <see cref="LstmAutoEncoderModelOptions.FeatureSize"/>(<paramref name="features"/>) floats.</returns>
    /// <exception cref="ArgumentException">A length is wrong or a value is not finite.</exception>
    public float[] Encode(ReadOnlySpan<float> sequences, int count, EncoderFeatures features = EncoderFeatures.LastLayerHidden)
    {
        var batch = new HostSequenceBatch(sequences, count, Options, nameof(sequences));
        var result = new float[(long)count * Options.FeatureSize(features)];
        Run(batch, new InferenceOutputs { Features = result, FeatureSet = features });
        return result;
    }

    /// <summary>Rebuilds each sequence's input frames, in natural time order, as pixel values.</summary>
    /// <param name="sequences">The sequences, row after row.</param>
    /// <param name="count">Number of sequences.</param>
    /// <returns>[count, input frames, frame size] floats.</returns>
    /// <exception cref="ArgumentException">A length is wrong or a value is not finite.</exception>
    /// <exception cref="InvalidOperationException">The model has no reconstruction decoder.</exception>
    public float[] Reconstruct(ReadOnlySpan<float> sequences, int count)
    {
        RequireDecoder(Options.HasReconstructionDecoder, "reconstruct", AutoEncoderMode.PredictionOnly);
        var batch = new HostSequenceBatch(sequences, count, Options, nameof(sequences));
        var result = new float[(long)count * Options.InputSequenceLength];
        Run(batch, new InferenceOutputs { Reconstruction = result });
        return result;
    }

    /// <summary>Generates the future frames of each sequence as pixel values.</summary>
    /// <param name="sequences">The sequences, row after row.</param>
    /// <param name="count">Number of sequences.</param>
    /// <returns>[count, future frames, frame size] floats.</returns>
    /// <exception cref="ArgumentException">A length is wrong or a value is not finite.</exception>
    /// <exception cref="InvalidOperationException">The model has no prediction decoder.</exception>
    public float[] Predict(ReadOnlySpan<float> sequences, int count)
    {
        RequireDecoder(Options.HasPredictionDecoder, "predict", AutoEncoderMode.ReconstructionOnly);
        var batch = new HostSequenceBatch(sequences, count, Options, nameof(sequences));
        var result = new float[(long)count * FutureSequenceLength];
        Run(batch, new InferenceOutputs { Prediction = result });
        return result;
    }

    /// <summary>
    /// Mean squared error per pixel between each sequence's input frames and their reconstruction: an anomaly
    /// score, higher for sequences unlike the training data.
    /// </summary>
    /// <param name="sequences">The sequences, row after row.</param>
    /// <param name="count">Number of sequences.</param>
    /// <returns>One score per sequence.</returns>
    /// <exception cref="ArgumentException">A length is wrong or a value is not finite.</exception>
    /// <exception cref="InvalidOperationException">The model has no reconstruction decoder.</exception>
    public float[] ReconstructionError(ReadOnlySpan<float> sequences, int count)
    {
        RequireDecoder(Options.HasReconstructionDecoder, "score reconstructions", AutoEncoderMode.PredictionOnly);
        var batch = new HostSequenceBatch(sequences, count, Options, nameof(sequences));
        var result = new float[count];
        Run(batch, new InferenceOutputs { ReconstructionError = result });
        return result;
    }

    /// <summary>
    /// Writes the model (magic, format version, options JSON and weights, with a checksum) to
    /// <paramref name="stream"/>, leaving it open.
    /// </summary>
    /// <param name="stream">A writable stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">The stream could not be written.</exception>
    /// <exception cref="NotSupportedException">The stream is not writable.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfDisposed();
        ModelStreamFormat.Write(stream, Options, Module.state_dict());
    }

    /// <summary>Reads a model written by <see cref="Save(Stream)"/>, leaving the stream open.</summary>
    /// <param name="stream">Positioned at the start of a saved model.</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N" (<see cref="TorchDevices"/>); it must be present.</param>
    /// <param name="matrixPrecision">The product format to run in. The weights are float32 either way, so a model
    /// trained with bf16 products can run in float32 and back. Null: the saved one where this CPU runs it natively,
    /// float32 where it would emulate bf16 (<see cref="MatrixPrecisionSupport.ForThisCpu"/>).</param>
    /// <remarks>The checksum only catches accidents. Against crafted files, the saved options are checked against
    /// <see cref="ModelSizeLimits"/> and the payload length they imply before the weights are read, and every tensor's
    /// name and shape against them before it is built; the model is created only after that, and weights holding
    /// NaN or infinities are refused. Models should still come from a trusted source.</remarks>
    /// <exception cref="InvalidDataException">The stream is truncated, corrupt, not a saved LstmAe model, or its
    /// options and weights do not agree or exceed the limits; the message says which.</exception>
    /// <exception cref="ArgumentException"><paramref name="device"/> is not one of <see cref="TorchDevices.Accepted"/>;
    /// checked before the stream is read.</exception>
    public static LstmAutoEncoder Load(Stream stream, string device = "cpu", MatrixPrecision? matrixPrecision = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        TorchDevices.RequireKnown(device, nameof(device));
        if (stream.CanSeek && stream.Length > 0 && stream.Position == stream.Length)
        {
            throw new InvalidDataException(
                $"The stream is at its end (position {stream.Position} of {stream.Length}), so no model follows; after " +
                "writing a model to a stream, set its Position back to where the model starts before loading.");
        }

        var (options, weights) = ModelStreamFormat.Read(stream);
        using (weights)
        {
            return FromWeights(options, weights, device, matrixPrecision, "the model stream");
        }
    }

    /// <summary>A model of <paramref name="options"/> on <paramref name="device"/> holding <paramref name="weights"/>
    /// (checked names and shapes), in <paramref name="matrixPrecision"/> or, when null, the saved precision where this
    /// CPU runs it natively.</summary>
    internal static LstmAutoEncoder FromWeights(LstmAutoEncoderModelOptions options, LoadedStateDict weights, string device,
        MatrixPrecision? matrixPrecision, string source)
    {
        options = options with { MatrixPrecision = matrixPrecision ?? MatrixPrecisionSupport.ForThisCpu(options.MatrixPrecision) };
        var model = Build(options, device, seed: null);
        try
        {
            weights.CopyInto(model.Module, source);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Reads the model file at <paramref name="path"/>, written by <see cref="Save(string)"/> (or
    /// <see cref="Save(Stream)"/> to a file), as <see cref="Load(Stream, string, MatrixPrecision?)"/> reads a stream.</summary>
    /// <param name="path">The model file.</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N" (<see cref="TorchDevices"/>); it must be present.</param>
    /// <param name="matrixPrecision">As for <see cref="Load(Stream, string, MatrixPrecision?)"/>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable LstmAe model (the message names it and what
    /// was wrong), or it is a FIFO, socket or device.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="device"/> is not one
    /// of <see cref="TorchDevices.Accepted"/>.</exception>
    /// <exception cref="UnauthorizedAccessException"><paramref name="path"/> names a folder, or the file may not be read.</exception>
    public static LstmAutoEncoder Load(string path, string device = "cpu", MatrixPrecision? matrixPrecision = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TorchDevices.RequireKnown(device, nameof(device));
        if (Directory.Exists(path)) throw new UnauthorizedAccessException($"'{path}' is a folder, not a model file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"The model file '{path}' does not exist.", path);
        using FileStream stream = ReadableFile.OpenRead(path);
        try
        {
            return Load(stream, device, matrixPrecision);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable LstmAe model: {e.Message}", e);
        }
    }

    /// <summary>Writes the model to <paramref name="path"/> as <see cref="Save(Stream)"/> does, atomically: an
    /// existing file is replaced only once the new one is complete.</summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or ends in a folder separator.</exception>
    /// <exception cref="IOException">The file could not be written, or <paramref name="path"/> names a folder or
    /// another entry that is not a regular file; the message names it.</exception>
    public void Save(string path) => AtomicFile.Write(path, Save);

    /// <summary>
    /// Replaces the weights with a PyTorch state_dict saved by <c>torch.save(model.state_dict(), path)</c> for the
    /// tutorial's layout (<c>encoder.lstm.*</c>, <c>reconstruct_decoder.lstm.*</c>, <c>reconstruct_decoder.fc.*</c>,
    /// <c>predict_decoder.*</c>). The weights stay trainable.
    /// </summary>
    /// <param name="path">The <c>.pt</c> file.</param>
    /// <exception cref="InvalidDataException">Tensors are missing, unexpected or mis-shaped; the message names them.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public void LoadPyTorchStateDict(string path)
    {
        ThrowIfDisposed();
        PyTorchStateDict.Load(Module, path);
        HasInitialWeights = false;
    }

    /// <summary>
    /// Sets both decoders' output biases so that, before any training, they draw every pixel at about
    /// <paramref name="meanPixelValue"/> (the bias is its logit under cross-entropy, the value itself under MSE; the
    /// small random weights add a little around it) instead of about 0.5 under cross-entropy and 0 under MSE, as
    /// PyTorch's initialisation gives. On sparse frames such as Moving MNIST's, a model that starts at 0.5 spends its
    /// first steps driving weights towards a dark background (docs/performance.md, "How the CPU default was chosen").
    /// The trainer does this from the data by default, per pixel
    /// (<see cref="InitializeOutputBias(ReadOnlySpan{float})"/>). A later <c>Fit</c> keeps these biases.
    /// </summary>
    /// <param name="meanPixelValue">The mean pixel value of the training frames: in (0, 1) under cross-entropy.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite, or outside (0, 1) under cross-entropy.</exception>
    public void InitializeOutputBias(double meanPixelValue)
    {
        // Checked as the float32 it becomes: 1e-50 or 0.99999999 round to 0 or 1.
        RequireMeanPixel((float)meanPixelValue, nameof(meanPixelValue));
        var meanFrame = new float[Options.FrameSize];
        Array.Fill(meanFrame, (float)meanPixelValue);
        InitializeOutputBias(meanFrame);
    }

    /// <summary>
    /// Sets both decoders' output biases so that, before any training, they draw about <paramref name="meanFrame"/>:
    /// each pixel at the training frames' mean value there (the bias is its logit under cross-entropy, the value under
    /// MSE). A later <c>Fit</c> keeps these biases.
    /// </summary>
    /// <param name="meanFrame">One frame of <see cref="LstmAutoEncoderModelOptions.FrameSize"/> mean pixel values, row
    /// by row; each in (0, 1) under cross-entropy.</param>
    /// <exception cref="ArgumentException">The frame has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite, or outside (0, 1) under cross-entropy.</exception>
    public void InitializeOutputBias(ReadOnlySpan<float> meanFrame)
    {
        ThrowIfDisposed();
        if (meanFrame.Length != Options.FrameSize)
        {
            throw new ArgumentException(
                $"Expected a mean frame of {Options.FrameHeight} x {Options.FrameWidth} = {Options.FrameSize} values; got {meanFrame.Length}.",
                nameof(meanFrame));
        }

        bool crossEntropy = Options.Objective == TrainingObjective.BinaryCrossEntropy;
        var bias = new float[meanFrame.Length];
        for (int i = 0; i < bias.Length; i++)
        {
            RequireMeanPixel(meanFrame[i], $"{nameof(meanFrame)}[{i}]");
            bias[i] = crossEntropy ? (float)Math.Log(meanFrame[i] / (1.0 - meanFrame[i])) : meanFrame[i];
        }
        Module.ReconstructionDecoder?.SetOutputBias(bias);
        Module.PredictionDecoder?.SetOutputBias(bias);
        HasInitialWeights = false;
    }

    private void RequireMeanPixel(double value, string name)
    {
        bool crossEntropy = Options.Objective == TrainingObjective.BinaryCrossEntropy;
        if (!double.IsFinite(value) || (crossEntropy && value is <= 0 or >= 1))
        {
            throw new ArgumentOutOfRangeException(name, value,
                crossEntropy ? "Under cross-entropy a mean pixel value must lie strictly between 0 and 1." : "A mean pixel value must be finite.");
        }
    }

    /// <summary>
    /// Writes the model's inference as an ONNX model (opset <see cref="OnnxExportOptions.OpsetVersion"/>) to <paramref name="path"/>, atomically: input
    /// <see cref="OnnxExportOptions.InputName"/> [batch, frames x frame size] of pixel values laid out as for
    /// <see cref="Encode(ReadOnlySpan{float}, int, EncoderFeatures)"/>, output <see cref="OnnxExportOptions.FeaturesName"/>
    /// [batch, <see cref="LstmAutoEncoderModelOptions.FeatureSize"/>] holding the same features, and the decoder
    /// outputs <paramref name="options"/> asks for. ONNX Runtime (and ML.NET's <c>ApplyOnnxModel</c>) then scores
    /// without TorchSharp. Every weight is written as float32 and every product runs in float32, whatever
    /// <see cref="LstmAutoEncoderModelOptions.MatrixPrecision"/> this model uses. Must not overlap a training run.
    /// </summary>
    /// <param name="path">The file to write; its folder must exist. An existing file is replaced.</param>
    /// <param name="options">What to export; null for the defaults (features of the top layer's hidden state).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or an option is invalid or asks for a
    /// decoder this model does not have; the message names it.</exception>
    /// <exception cref="IOException">The file could not be written (its folder is missing, it names a folder, ...);
    /// the message names it.</exception>
    /// <exception cref="NotSupportedException">The weights exceed what one ONNX file holds (about 2 GiB).</exception>
    public void ExportOnnx(string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelProto onnx = BuildOnnx(options);
        AtomicFile.Write(path, stream => Google.Protobuf.MessageExtensions.WriteTo(onnx, stream));
    }

    /// <summary>As <see cref="ExportOnnx(string, OnnxExportOptions?)"/>, to <paramref name="stream"/>, which is left
    /// open.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="options">What to export; null for the defaults (features of the top layer's hidden state).</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or asks for a decoder this model does not have.</exception>
    /// <exception cref="NotSupportedException">The weights exceed what one ONNX file holds (about 2 GiB), or the
    /// stream is not writable.</exception>
    public void ExportOnnx(Stream stream, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Google.Protobuf.MessageExtensions.WriteTo(BuildOnnx(options), stream);
    }

    private ModelProto BuildOnnx(OnnxExportOptions? options)
    {
        ThrowIfDisposed();
        options ??= new OnnxExportOptions();
        options.Validate(Options);
        return OnnxModelExporter.Build(this, options);
    }

    /// <summary>Writes the weights as a PyTorch state_dict that <c>torch.load</c> reads, atomically: an existing file
    /// is replaced only once the new one is complete.</summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file could not be written (its folder is missing, the disk is full, it may
    /// not be written, it names a folder, ...); the message names it.</exception>
    public void SavePyTorchStateDict(string path)
    {
        ThrowIfDisposed();
        PyTorchStateDict.Save(Module, path);
    }

    /// <summary>Releases the native tensors; every later call but this one throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _disposed = true;
        Module.Dispose();
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming this class once <see cref="Dispose"/> ran, rather
    /// than TorchSharp's error naming its internal handle type.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Floats per sequence of future frames.</summary>
    private int FutureSequenceLength => Options.FutureFrames * Options.FrameSize;

    /// <summary>
    /// The one inference loop: runs the model on the input frames of at most <see cref="InferenceChunk"/>
    /// sequences at a time, in eval mode without gradients, and copies each requested output to the host. The
    /// decoders run only when a decoder output is requested. Arguments are already validated.
    /// </summary>
    private void Run<TSource>(scoped in TSource batch, InferenceOutputs outputs)
        where TSource : IInputFrameSource, allows ref struct
    {
        ThrowIfDisposed();
        bool decode = !outputs.Reconstruction.IsEmpty || !outputs.Prediction.IsEmpty || !outputs.ReconstructionError.IsEmpty;
        int featureSize = Options.FeatureSize(outputs.FeatureSet);
        int reconstructionSize = Options.InputSequenceLength, predictionSize = FutureSequenceLength;
        ScalarType format = InputFormat(compareFrames: !outputs.ReconstructionError.IsEmpty);
        using var inference = new InferenceScope(Module);
        for (int first = 0; first < batch.Count; first += InferenceChunk)
        {
            using var scope = torch.NewDisposeScope();
            int length = Math.Min(InferenceChunk, batch.Count - first);
            Tensor input = batch.InputFrames(first, length, Device, format);
            // The mean over time needs every step's h, which only the encoder's own pass returns: with decoder
            // outputs too, the encoder then runs twice.
            Tensor? meanOverTime = null;
            LstmState? encoderState = null;
            if (!outputs.Features.IsEmpty && outputs.FeatureSet == EncoderFeatures.LastLayerHiddenMeanOverTime)
            {
                var (steps, state) = Module.Encoder.ForwardWithOutput(input);
                (meanOverTime, encoderState) = (steps.mean([1]), state);
            }
            AutoEncoderOutput output = decode ? Module.call(input, null) : new(encoderState ?? Module.Encoder.call(input), null, null);
            if (!outputs.Features.IsEmpty)
                CopyToHost(meanOverTime ?? FeatureVector(output.EncoderState, outputs.FeatureSet), outputs.Features.Slice(first * featureSize, length * featureSize));
            if (!outputs.Prediction.IsEmpty)
                CopyToHost(ToPixels(output.Prediction!), outputs.Prediction.Slice(first * predictionSize, length * predictionSize));
            if (outputs.Reconstruction.IsEmpty && outputs.ReconstructionError.IsEmpty)
                continue;
            Tensor reconstruction = ToPixels(output.ReversedReconstruction!).flip(1); // natural time order, v1..vn
            if (!outputs.Reconstruction.IsEmpty)
                CopyToHost(reconstruction, outputs.Reconstruction.Slice(first * reconstructionSize, length * reconstructionSize));
            if (!outputs.ReconstructionError.IsEmpty)
            {
                // Not square(): TorchSharp makes it pow with a temporary scalar, unsafe under concurrent collections.
                Tensor difference = reconstruction - input;
                CopyToHost((difference * difference).mean([1, 2]), outputs.ReconstructionError.Slice(first, length));
            }
        }
    }

    /// <summary>Decoder outputs as pixel values: logits pass through the sigmoid under cross-entropy.</summary>
    private Tensor ToPixels(Tensor decoderOutput) =>
        Options.Objective == TrainingObjective.BinaryCrossEntropy ? decoderOutput.sigmoid() : decoderOutput;

    private static Tensor FeatureVector(LstmState state, EncoderFeatures features)
    {
        long batch = state.Hidden.shape[1];
        Tensor AllLayers(Tensor t) => t.permute(1, 0, 2).reshape(batch, -1);
        return features switch
        {
            EncoderFeatures.LastLayerHidden => state.Hidden[-1],
            EncoderFeatures.LastLayerHiddenAndCell => cat([state.Hidden[-1], state.Cell[-1]], 1),
            EncoderFeatures.AllLayersHidden => AllLayers(state.Hidden),
            EncoderFeatures.AllLayersHiddenAndCell => cat([AllLayers(state.Hidden), AllLayers(state.Cell)], 1),
            _ => throw new ArgumentOutOfRangeException(nameof(features), features, "Unknown encoder feature set."),
        };
    }

    private static void CopyToHost(Tensor values, Span<float> destination) =>
        values.cpu().contiguous().data<float>().CopyTo(destination);

    private static void RequireLength(Span<float> buffer, int count, int rowSize, string paramName)
    {
        if (buffer.Length != (long)count * rowSize)
        {
            throw new ArgumentException(
                $"Expected room for {count} x {rowSize} = {(long)count * rowSize} floats; got {buffer.Length}.", paramName);
        }
    }

    private static void RequireDecoder(bool present, string action, AutoEncoderMode mode)
    {
        if (!present)
            throw new InvalidOperationException($"Cannot {action}: this model was built in {mode} mode, without that decoder.");
    }

    /// <summary>Eval mode and no_grad for the duration of an inference call, restoring the previous mode after.</summary>
    private readonly struct InferenceScope : IDisposable
    {
        private readonly nn.Module _module;
        private readonly bool _wasTraining;
        private readonly IDisposable _noGrad;

        public InferenceScope(nn.Module module)
        {
            _module = module;
            // A model rests in eval mode, so concurrent calls normally neither write nor restore the flag.
            _wasTraining = module.training;
            if (_wasTraining) module.eval();
            _noGrad = torch.no_grad();
        }

        public void Dispose()
        {
            _noGrad.Dispose();
            if (_wasTraining) _module.train();
        }
    }
}
