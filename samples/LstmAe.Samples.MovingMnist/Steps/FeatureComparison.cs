using System.Diagnostics;
using System.Globalization;
using LstmAe.Data;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Samples.MovingMnist.Reporting;
using LstmAe.Samples.MovingMnist.Steps.Classification;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.MovingMnist.Steps;

/// <summary>
/// How useful the learned features are: tuned linear classifiers learn the digit and the direction of motion (and
/// the speed band when speeds vary) of single-digit clips from each representation, with growing label budgets, over
/// several seeds, and are scored on clips of held-out digits.
/// </summary>
/// <remarks>
/// <para>The representations: two per-pixel summaries over time (the mean frame, the maximum), PCA of all input frames
/// fitted on the autoencoder's own unlabelled training clips, the same encoder with random weights, and the trained
/// encoder's features computed by the saved pipeline. Each classifier's L2 weight (and a PCA's width) is chosen on a
/// validation split of training digits; the test split, of held-out digits, scores only the chosen one.</para>
/// <para>A seed draws new labelled, validation and test clips and new random encoder weights; the autoencoder and the
/// PCA are fitted once. Single-digit clips keep "which digit" and "which way" properties of the video: with two digits
/// the "first digit" is not (they are unordered and overlap), while the encoder, trained on two-digit videos, sees the
/// same strokes and motion.</para>
/// </remarks>
/// <param name="Seeds">Seeds averaged over.</param>
/// <param name="Tables">One per task.</param>
internal sealed record FeatureComparison(int Seeds, IReadOnlyList<AccuracyTable> Tables)
{
    /// <summary>The row of the trained encoder's features, as the saved pipeline computes them.</summary>
    public const string TrainedFeatures = "LSTM autoencoder features";

    private const string FeaturesColumn = "Features";
    private const int UntrainedSeedOffset = 1_000, ClipSeedOffset = 10, ClipSeedStride = 3;

    /// <summary>PCA widths tuned on validation, capped by the components that exist.</summary>
    private static readonly int[] PcaWidths = [32, 128, 512];

    public static FeatureComparison Run(MLContext mlContext, ITransformer trained, LstmAutoEncoderModelOptions modelOptions,
        SampleSettings settings, ISampleConsole console)
    {
        int frameSize = settings.FrameSize * settings.FrameSize;
        int pool = settings.ClassifierTrainSequences;
        int[] budgets = [.. settings.LabelBudgets.Where(b => b < pool).Distinct().Order(), pool];
        var tasks = new List<ClassificationTask> { ClassificationTask.Digit, ClassificationTask.Direction };
        if (settings.MaxSpeed is float maxSpeed && maxSpeed > settings.Speed)
        {
            tasks.Add(ClassificationTask.Speed);
        }

        var clock = Stopwatch.StartNew();
        using var pca = FitPca(settings, modelOptions.InputSequenceLength);
        console.Line(Invariant($"PCA: {pca.Components} components of {settings.InputFrames} x {frameSize} pixels, fitted on {Math.Min(settings.PcaSequences, settings.TrainSequences):N0} of the autoencoder's unlabelled training clips in {clock.Elapsed.TotalSeconds:F0} s."));
        var trainedModel = TrainedModel(trained);

        var results = new Dictionary<string, List<Dictionary<ClassificationTask, TunedAccuracy[]>>>();
        var rowsInOrder = new List<Representation>();
        for (int seed = 0; seed < settings.ClassifierSeeds; seed++)
        {
            clock.Restart();
            using var untrained = LstmAutoEncoder.Create(modelOptions, settings.Seed + UntrainedSeedOffset + seed);
            var representations = Representations(mlContext, trained, trainedModel, untrained, pca, settings, modelOptions);
            int clipSeed = settings.Seed + ClipSeedOffset + ClipSeedStride * seed;
            var train = ClipSet.Generate(Options(settings, pool, DataSplit.Train, clipSeed), representations);
            var validation = ClipSet.Generate(Options(settings, settings.ClassifierValidationSequences, DataSplit.Train, clipSeed + 1), representations);
            var test = ClipSet.Generate(Options(settings, settings.ClassifierTestSequences, DataSplit.Test, clipSeed + 2), representations);
            double encodeSeconds = clock.Elapsed.TotalSeconds;
            foreach (var representation in representations)
            {
                if (!results.TryGetValue(representation.Name, out var perSeed))
                {
                    results[representation.Name] = perSeed = [];
                    rowsInOrder.Add(representation);
                }
                perSeed.Add(TunedClassifier.Run(mlContext, representation, train, validation, test, tasks, budgets));
            }
            console.Line(Invariant($"seed {seed + 1}/{settings.ClassifierSeeds}: {pool + validation.Count + test.Count:N0} clips, features in {encodeSeconds:F0} s, classifiers tuned in {clock.Elapsed.TotalSeconds - encodeSeconds:F0} s."));
        }

        var tables = tasks.Select(task => new AccuracyTable(task.Title(), task.ClassCount(), budgets,
            rowsInOrder.Select(r => AccuracyRow.From(r.Name, r.IsPixelBaseline, results[r.Name].Select(seed => seed[task]).ToList())).ToArray())).ToArray();
        return new FeatureComparison(settings.ClassifierSeeds, tables);
    }

    private static List<Representation> Representations(MLContext mlContext, ITransformer trained, LstmAutoEncoder? trainedModel,
        LstmAutoEncoder untrained, PixelPca pca, SampleSettings settings, LstmAutoEncoderModelOptions modelOptions)
    {
        int frames = settings.InputFrames, frameSize = settings.FrameSize * settings.FrameSize;
        int featureSize = modelOptions.FeatureSize(settings.Features);
        int[] pcaWidths = [.. PcaWidths.Select(w => Math.Min(w, pca.Components)).Distinct()];
        var list = new List<Representation>
        {
            new("mean frame (pixels)", frameSize, IsPixelBaseline: true) { FromPixels = PixelFeatures.MeanFrame(frames, frameSize) },
            new("max over time (pixels)", frameSize, IsPixelBaseline: true) { FromPixels = PixelFeatures.MaxOverTime(frames, frameSize) },
            new("PCA of all input frames", pcaWidths[^1], IsPixelBaseline: true, pcaWidths) { FromPixels = pca.Project },
            new("untrained encoder (random weights)", featureSize, IsPixelBaseline: false)
            {
                FromPixels = (pixels, count, destination) => untrained.Encode(pixels, count, settings.Features, destination),
            },
            new(TrainedFeatures, featureSize, IsPixelBaseline: false) { FromClips = options => EncodeWithPipeline(mlContext, trained, options) },
        };
        if (settings.CompareFeatureSets && trainedModel is not null)
        {
            // With one layer the all-layers sets are the top layer's: each distinct set once.
            var distinct = Enum.GetValues<EncoderFeatures>().Where(f => modelOptions.Layers > 1 || f is not (EncoderFeatures.AllLayersHidden or EncoderFeatures.AllLayersHiddenAndCell));
            foreach (var features in distinct.Where(f => f != settings.Features))
            {
                list.Add(new Representation(Invariant($"trained encoder, {features}"), modelOptions.FeatureSize(features), IsPixelBaseline: false)
                {
                    FromPixels = (pixels, count, destination) => trainedModel.Encode(pixels, count, features, destination),
                });
            }
        }
        return list;
    }

    /// <summary>PCA on the first clips of the autoencoder's training set (input frames only): the same unlabelled
    /// data the autoencoder learned from.</summary>
    private static PixelPca FitPca(SampleSettings settings, int length)
    {
        int count = Math.Min(settings.PcaSequences, settings.TrainSequences);
        var generator = new MovingMnistGenerator(SampleData.Options(settings, count, DataSplit.Train, settings.Seed, frames: settings.InputFrames));
        var clips = new float[(long)count * length];
        Parallel.For(0, count, i => generator.Generate(i, clips.AsSpan(i * length, length), new DigitMotion[generator.Options.DigitsPerSequence]));
        return PixelPca.Fit(clips, count, length, PcaWidths[^1]);
    }

    private static MovingMnistOptions Options(SampleSettings settings, int count, DataSplit split, int seed) =>
        SampleData.Options(settings, count, split, seed, digits: 1, frames: settings.InputFrames);

    /// <summary>The Core model behind the loaded pipeline, for the extra feature-set rows.</summary>
    private static LstmAutoEncoder? TrainedModel(ITransformer trained) => trained switch
    {
        LstmAutoEncoderTransformer transformer => transformer.Model,
        TransformerChain<ITransformer> chain => chain.OfType<LstmAutoEncoderTransformer>().FirstOrDefault()?.Model,
        _ => null,
    };

    /// <summary>Features as the saved pipeline computes them, from the same clips as a data view.</summary>
    private static float[] EncodeWithPipeline(MLContext mlContext, ITransformer model, MovingMnistOptions options)
    {
        var encoded = model.Transform(mlContext.Data.LoadMovingMnist(options));
        var column = encoded.Schema[FeaturesColumn];
        using var cursor = encoded.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var features = new List<float>();
        VBuffer<float> row = default;
        while (cursor.MoveNext())
        {
            getter(ref row);
            features.AddRange(row.DenseValues());
        }
        return [.. features];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
