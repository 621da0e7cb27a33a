using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>The outcome of one tuned classifier: its test accuracy and what validation chose.</summary>
/// <param name="TestAccuracy">Micro accuracy on the test clips.</param>
/// <param name="ValidationAccuracy">Micro accuracy on the validation clips, of the chosen setting.</param>
/// <param name="Chosen">The chosen setting, in words (L2 weight, and the width when several were tried).</param>
internal sealed record TunedAccuracy(double TestAccuracy, double ValidationAccuracy, string Chosen);

/// <summary>
/// A linear classifier (ML.NET's L-BFGS maximum entropy, L2 only) whose regularisation, and width for
/// representations with candidate widths, is chosen by accuracy on a validation split; the test split only scores
/// the chosen one. Features are standardised on the labelled training rows (<c>NormalizeMeanVariance</c>) and cached
/// before the multi-pass trainer.
/// </summary>
internal static class TunedClassifier
{
    /// <summary>L2 weights tried, strongest first: a tie on validation goes to the stronger regularisation.</summary>
    public static IReadOnlyList<float> L2Grid { get; } = [100f, 10f, 1f, 0.1f, 0.01f, 1e-3f];

    /// <summary>L-BFGS stops when the loss improves by less than this, looser than ML.NET's default (1e-7) so that
    /// the sample's many fits stay affordable (docs/samples.md); accuracy is measured, so a looser optimum only costs
    /// what it shows.</summary>
    private const float Tolerance = 1e-5f;

    private const string FeaturesColumn = "Features";

    /// <summary>
    /// Tunes and scores one representation for every task and label budget; the first <c>budget</c> rows of
    /// <paramref name="train"/> are the labelled ones.
    /// </summary>
    /// <returns>Per task, one result per budget.</returns>
    public static Dictionary<ClassificationTask, TunedAccuracy[]> Run(MLContext mlContext, Representation representation,
        ClipSet train, ClipSet validation, ClipSet test, IReadOnlyList<ClassificationTask> tasks, IReadOnlyList<int> budgets)
    {
        var best = tasks.ToDictionary(task => task, _ => new TunedAccuracy?[budgets.Count]);
        foreach (int width in representation.Widths)
        {
            for (int b = 0; b < budgets.Count; b++)
            {
                var trainView = ToDataView(mlContext, train, representation, width, budgets[b]);
                var normalizer = mlContext.Transforms.NormalizeMeanVariance(FeaturesColumn).Fit(trainView);
                IDataView Prepare(IDataView view) => mlContext.Data.Cache(normalizer.Transform(view));
                var trainData = Prepare(trainView);
                var validationData = Prepare(ToDataView(mlContext, validation, representation, width, validation.Count));
                var testData = Prepare(ToDataView(mlContext, test, representation, width, test.Count));
                foreach (var task in tasks)
                {
                    MaximumEntropyModelParameters? previous = null;
                    foreach (float l2 in L2Grid)
                    {
                        var trainer = mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
                        {
                            LabelColumnName = task.ToString(),
                            FeatureColumnName = FeaturesColumn,
                            L1Regularization = 0,
                            L2Regularization = l2,
                            OptimizationTolerance = Tolerance,
                        });
                        // Down the regularisation path: each fit starts from the previous, more regularised one.
                        var model = previous is null ? trainer.Fit(trainData) : trainer.Fit(trainData, previous);
                        previous = model.Model;
                        double validationAccuracy = Accuracy(mlContext, model, validationData, task);
                        if (best[task][b] is { } incumbent && validationAccuracy <= incumbent.ValidationAccuracy)
                        {
                            continue;
                        }
                        string chosen = string.Create(CultureInfo.InvariantCulture, $"L2 {l2:G2}")
                            + (representation.Widths.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $", width {width}") : "");
                        best[task][b] = new TunedAccuracy(Accuracy(mlContext, model, testData, task), validationAccuracy, chosen);
                    }
                }
            }
        }
        return best.ToDictionary(pair => pair.Key, pair => pair.Value.Select(result => result!).ToArray());
    }

    private static double Accuracy(MLContext mlContext, MulticlassPredictionTransformer<MaximumEntropyModelParameters> model, IDataView data, ClassificationTask task) =>
        mlContext.MulticlassClassification.Evaluate(model.Transform(data), task.ToString()).MicroAccuracy;

    /// <summary>The first <paramref name="rows"/> clips' leading <paramref name="width"/> features, with every task's
    /// label as a key over all its classes, so that a small budget that misses a class still has every validation and
    /// test row scored (a key learned from the training labels would drop unseen classes).</summary>
    private static IDataView ToDataView(MLContext mlContext, ClipSet clips, Representation representation, int width, int rows)
    {
        float[] features = clips.Features[representation.Name];
        var labels = clips.Labels;
        var list = new List<LabeledFeatures>(rows);
        for (int i = 0; i < rows; i++)
        {
            list.Add(new LabeledFeatures
            {
                Features = features.AsSpan(i * representation.Width, width).ToArray(),
                // LoadFromEnumerable reads a key-typed uint as a zero-based index: class 0 becomes key 1.
                Digit = (uint)labels[ClassificationTask.Digit][i],
                Direction = (uint)labels[ClassificationTask.Direction][i],
                Speed = (uint)labels[ClassificationTask.Speed][i],
            });
        }
        var schema = SchemaDefinition.Create(typeof(LabeledFeatures));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        foreach (var task in Enum.GetValues<ClassificationTask>())
        {
            schema[task.ToString()].ColumnType = new KeyDataViewType(typeof(uint), task.ClassCount());
        }
        return mlContext.Data.LoadFromEnumerable(list, schema);
    }

    private sealed class LabeledFeatures
    {
        public float[] Features { get; set; } = [];

        public uint Digit { get; set; }

        public uint Direction { get; set; }

        public uint Speed { get; set; }
    }
}
