using LstmAe.MLNet;
using LstmAe.MLNet.Internal;
using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML;

/// <summary>
/// <c>mlContext.Transforms.LstmAutoEncode(...)</c>: features from a composite LSTM autoencoder (Srivastava et al.,
/// 2015) trained on sequences of frames; and the registration that lets <c>mlContext.Model.Load</c> read it back.
/// </summary>
public static class LstmAutoEncoderCatalog
{
    /// <summary>
    /// Trains an LSTM autoencoder on <paramref name="inputColumnName"/> (vector&lt;float32&gt; of frames, shaped
    /// [frames, height, width] or flat with 64x64 frames) and adds its encoder features as
    /// <paramref name="outputColumnName"/>. A null argument keeps the <see cref="LstmAutoEncoderOptions"/> default
    /// (<see cref="LstmAutoEncoderOptions.DefaultModel"/>, <see cref="TrainingOptions.CpuDefault"/>); for every
    /// setting use the overload taking <see cref="LstmAutoEncoderOptions"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Column of encoder features to add.</param>
    /// <param name="inputColumnName">Column of frames: the input frames, or input followed by future frames.</param>
    /// <param name="hiddenSize">Units in each LSTM layer.</param>
    /// <param name="layers">Stacked LSTM layers.</param>
    /// <param name="mode">Which decoders to train; prediction needs the future frames in the input column.</param>
    /// <param name="inputFrames">Frames the encoder reads.</param>
    /// <param name="futureFrames">Frames the prediction decoder generates.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="batchSize">Sequences per training step.</param>
    /// <param name="learningRate">Optimizer learning rate.</param>
    /// <param name="encoderFeatures">Which encoder state forms the features.</param>
    /// <param name="seed">Seed of initialisation, shuffling and dropout (<see cref="TrainingOptions.Seed"/>).</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static LstmAutoEncoderEstimator LstmAutoEncode(this TransformsCatalog catalog,
        string outputColumnName = LstmAutoEncoderOptions.DefaultOutputColumnName,
        string inputColumnName = LstmAutoEncoderOptions.DefaultInputColumnName,
        int? hiddenSize = null,
        int? layers = null,
        AutoEncoderMode? mode = null,
        int? inputFrames = null,
        int? futureFrames = null,
        int? epochs = null,
        int? batchSize = null,
        double? learningRate = null,
        EncoderFeatures? encoderFeatures = null,
        int? seed = null)
    {
        var options = new LstmAutoEncoderOptions { OutputColumnName = outputColumnName, InputColumnName = inputColumnName };
        LstmAutoEncoderModelOptions model = options.Model;
        options.Model = model with
        {
            HiddenSize = hiddenSize ?? model.HiddenSize,
            Layers = layers ?? model.Layers,
            Mode = mode ?? model.Mode,
            InputFrames = inputFrames ?? model.InputFrames,
            FutureFrames = futureFrames ?? model.FutureFrames,
        };
        TrainingOptions training = options.Training;
        options.Training = training with
        {
            Epochs = epochs ?? training.Epochs,
            BatchSize = batchSize ?? training.BatchSize,
            LearningRate = learningRate ?? training.LearningRate,
            Seed = seed ?? training.Seed,
        };
        options.EncoderFeatures = encoderFeatures ?? options.EncoderFeatures;
        return catalog.LstmAutoEncode(options);
    }

    /// <summary>Trains an LSTM autoencoder configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Every setting: columns, frame shape, model, training and outputs. The estimator keeps
    /// a copy: later edits to <paramref name="options"/> do not reach it.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static LstmAutoEncoderEstimator LstmAutoEncode(this TransformsCatalog catalog, LstmAutoEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        IHostEnvironment environment = MlNetInternals.GetEnvironment(catalog);
        environment.ComponentCatalog.RegisterLstmAutoEncoder();
        return new LstmAutoEncoderEstimator(environment, options);
    }

    /// <summary>
    /// Lets <c>mlContext.Model.Load</c> read saved <see cref="LstmAutoEncoderTransformer"/>s. Call it once per
    /// <see cref="MLContext"/> before loading (<c>mlContext.ComponentCatalog.RegisterLstmAutoEncoder()</c>);
    /// creating an estimator with <c>LstmAutoEncode</c> does it too. Calling it again does nothing.
    /// </summary>
    /// <remarks>Without it, <c>Load</c> fails with ML.NET's own <see cref="FormatException"/> "Couldn't load model:
    /// 'TransformerChain'" for a transformer saved alone, or an <see cref="InvalidOperationException"/> "Error during
    /// class instantiation" around "Couldn't load model: 'TransformerChain/Transform_000'" for one in a pipeline:
    /// ML.NET finds no loader for it and never calls LstmAe's code, so the message cannot name this call.</remarks>
    /// <param name="catalog">The context's component catalog.</param>
    public static void RegisterLstmAutoEncoder(this ComponentCatalog catalog) =>
        LstmAutoEncoderTransformer.RegisterLoader(catalog);

    /// <summary>
    /// <see cref="RegisterLstmAutoEncoder(ComponentCatalog)"/>, and sets how this context's <c>mlContext.Model.Load</c>
    /// builds LSTM autoencoder transformers from then on, such as the device they run on
    /// (<c>mlContext.ComponentCatalog.RegisterLstmAutoEncoder(new LstmAutoEncoderLoadOptions { Device = "cuda" })</c>).
    /// A later call with options replaces them; the call without options (and <c>LstmAutoEncode</c>) keeps them.
    /// </summary>
    /// <param name="catalog">The context's component catalog.</param>
    /// <param name="options">The load options; copied, so later edits do not reach the context.</param>
    /// <exception cref="ArgumentException">The device is not "cpu", "cuda" or "cuda:N"; the message names it.</exception>
    public static void RegisterLstmAutoEncoder(this ComponentCatalog catalog, LstmAutoEncoderLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        LstmAutoEncoderTransformer.RegisterLoader(catalog, options);
    }
}
