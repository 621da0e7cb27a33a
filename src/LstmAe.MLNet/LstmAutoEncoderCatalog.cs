using LstmAe.MLNet;
using LstmAe.MLNet.Internal;
using LstmAe.Model;
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
    /// <paramref name="outputColumnName"/>. For every setting use the overload taking <see cref="LstmAutoEncoderOptions"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Column of encoder features to add.</param>
    /// <param name="inputColumnName">Column of frames: the input frames, or input followed by future frames.</param>
    /// <param name="hiddenSize">Units in each LSTM layer; null: that of <see cref="LstmAutoEncoderModelOptions.CpuDefault"/>.</param>
    /// <param name="layers">Stacked LSTM layers; null: that of <see cref="LstmAutoEncoderModelOptions.CpuDefault"/>.</param>
    /// <param name="mode">Which decoders to train; prediction needs the future frames in the input column.</param>
    /// <param name="inputFrames">Frames the encoder reads.</param>
    /// <param name="futureFrames">Frames the prediction decoder generates.</param>
    /// <param name="epochs">Passes over the training data.</param>
    /// <param name="batchSize">Sequences per training step.</param>
    /// <param name="learningRate">Optimizer learning rate.</param>
    /// <param name="encoderFeatures">Which encoder state forms the features.</param>
    /// <param name="seed">Seed of initialisation and shuffling.</param>
    public static LstmAutoEncoderEstimator LstmAutoEncode(this TransformsCatalog catalog,
        string outputColumnName = LstmAutoEncoderOptions.DefaultOutputColumnName,
        string inputColumnName = LstmAutoEncoderOptions.DefaultInputColumnName,
        int? hiddenSize = null,
        int? layers = null,
        AutoEncoderMode mode = AutoEncoderMode.Composite,
        int inputFrames = 10,
        int futureFrames = 10,
        int epochs = 10,
        int batchSize = 16,
        double learningRate = 5e-4,
        EncoderFeatures encoderFeatures = EncoderFeatures.LastLayerHidden,
        int seed = 0) =>
        catalog.LstmAutoEncode(new LstmAutoEncoderOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            HiddenSize = hiddenSize ?? LstmAutoEncoderModelOptions.CpuDefault.HiddenSize,
            Layers = layers ?? LstmAutoEncoderModelOptions.CpuDefault.Layers,
            Mode = mode,
            InputFrames = inputFrames,
            FutureFrames = futureFrames,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            EncoderFeatures = encoderFeatures,
            Seed = seed,
        });

    /// <summary>Trains an LSTM autoencoder configured by <paramref name="options"/>.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Every setting: columns, frame shape, model, training and outputs.</param>
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
    /// <param name="catalog">The context's component catalog.</param>
    public static void RegisterLstmAutoEncoder(this ComponentCatalog catalog) =>
        LstmAutoEncoderTransformer.RegisterLoader(catalog);
}
