using LstmAe.Data;
using LstmAe.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.MovingMnist.Steps;

/// <summary>
/// How useful the learned features are: a linear classifier (ML.NET's L-BFGS maximum entropy) learns the digit of
/// single-digit Moving MNIST sequences from three representations, each with a growing number of labels, and is
/// scored on sequences of held-out digits.
/// </summary>
/// <remarks>
/// The classification data is single-digit Moving MNIST with the digit's class as its label. With two digits the
/// "first digit's label" is not a property of the video (the digits are unordered and overlap), so even a perfect
/// model could not exceed about 50% on it; one digit keeps the question well posed while the encoder, trained on
/// two-digit videos, sees the same kind of motion and strokes.
/// </remarks>
/// <param name="LabelCounts">The label budgets compared (columns).</param>
/// <param name="Rows">Accuracy per representation (rows) and budget.</param>
internal sealed record FeatureComparison(IReadOnlyList<int> LabelCounts, IReadOnlyList<FeatureComparison.Row> Rows)
{
    /// <summary>The test accuracy of one representation for each label budget.</summary>
    /// <param name="Representation">What the classifier sees.</param>
    /// <param name="Accuracy">Test accuracy (micro), one per entry of <see cref="LabelCounts"/>.</param>
    public sealed record Row(string Representation, IReadOnlyList<double> Accuracy);

    private const string FeaturesColumn = "Features", LabelColumn = "Label";
    private const int UntrainedSeedOffset = 1_000;

    public static FeatureComparison Run(MLContext mlContext, ITransformer trained, LstmAutoEncoderModelOptions modelOptions, SampleSettings settings)
    {
        var train = LabeledSequences.Generate(settings, settings.ClassifierTrainSequences, DataSplit.Train, settings.Seed + 10);
        var test = LabeledSequences.Generate(settings, settings.ClassifierTestSequences, DataSplit.Test, settings.Seed + 11);
        int[] budgets = [.. settings.LabelBudgets.Where(b => b < train.Count).Order(), train.Count];

        using var untrained = LstmAutoEncoder.Create(modelOptions, settings.Seed + UntrainedSeedOffset);
        int featureSize = modelOptions.FeatureSize(settings.Features);
        var representations = new (string Name, Func<LabeledSequences, float[]> Features, int Width)[]
        {
            ("LSTM autoencoder features", s => EncodeWithPipeline(mlContext, trained, s), featureSize),
            ("raw pixels (input frames)", s => s.Pixels, modelOptions.InputSequenceLength),
            ("untrained encoder (random weights)", s => untrained.Encode(s.Pixels, s.Count, settings.Features), featureSize),
        };

        var rows = new List<Row>();
        foreach (var (name, features, width) in representations)
        {
            var trainView = ToDataView(mlContext, features(train), train.Labels, width);
            var testView = ToDataView(mlContext, features(test), test.Labels, width);
            rows.Add(new Row(name, budgets.Select(budget => Accuracy(mlContext, mlContext.Data.TakeRows(trainView, budget), testView)).ToArray()));
        }
        return new FeatureComparison(budgets, rows);
    }

    /// <summary>Features as the saved pipeline computes them, from the same sequences as a data view.</summary>
    private static float[] EncodeWithPipeline(MLContext mlContext, ITransformer model, LabeledSequences sequences)
    {
        var encoded = model.Transform(mlContext.Data.LoadMovingMnist(sequences.Options));
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

    private static double Accuracy(MLContext mlContext, IDataView train, IDataView test)
    {
        var pipeline = mlContext.Transforms.NormalizeMinMax(FeaturesColumn)
            .AppendCacheCheckpoint(mlContext)
            .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(LabelColumn, FeaturesColumn));
        var classifier = pipeline.Fit(train);
        return mlContext.MulticlassClassification.Evaluate(classifier.Transform(test), LabelColumn).MicroAccuracy;
    }

    /// <summary>Rows of features with the digit as a key over all classes, so that a small label budget that misses a
    /// class still has every test row scored (a key learned from the training labels would drop unseen classes).</summary>
    private static IDataView ToDataView(MLContext mlContext, float[] features, int[] labels, int width)
    {
        var rows = labels.Select((label, i) => new LabeledFeatures
        {
            Features = features.AsSpan(i * width, width).ToArray(),
            Label = (uint)label, // LoadFromEnumerable reads a key-typed uint as a zero-based index: class 0 becomes key 1.
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(LabeledFeatures));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        schema[LabelColumn].ColumnType = new KeyDataViewType(typeof(uint), EmbeddedMnist.Digits.ClassCount);
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class LabeledFeatures
    {
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    /// <summary>Single-digit sequences (input frames only) with their digit's class.</summary>
    private sealed record LabeledSequences(MovingMnistOptions Options, float[] Pixels, int[] Labels)
    {
        public int Count => Labels.Length;

        public static LabeledSequences Generate(SampleSettings settings, int count, DataSplit split, int seed)
        {
            var options = SampleData.Options(settings, count, split, seed, digits: 1, frames: settings.InputFrames);
            var generator = new MovingMnistGenerator(options);
            var pixels = new float[(long)count * generator.SequenceLength];
            var labels = new int[count];
            var motion = new DigitMotion[1];
            for (int i = 0; i < count; i++)
            {
                generator.Generate(i, pixels.AsSpan(i * generator.SequenceLength, generator.SequenceLength), motion);
                labels[i] = motion[0].Label;
            }
            return new LabeledSequences(options, pixels, labels);
        }
    }
}
