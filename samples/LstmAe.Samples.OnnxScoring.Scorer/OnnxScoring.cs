using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.OnnxScoring.Scorer;

/// <summary>
/// The scoring half of the ONNX sample: loads the exported encoder with <c>ApplyOnnxModel</c> and the downstream
/// classifier with <c>mlContext.Model.Load</c>, scores the new clips, and compares each prediction with the one the
/// TorchSharp pipeline made. Checks at the end that neither TorchSharp nor LstmAe was loaded into the process.
/// </summary>
/// <param name="folder">The training half's output folder; the results file is written there.</param>
/// <param name="console">Where to report.</param>
public sealed class OnnxScoring(string folder, TextWriter console)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Assemblies a TorchSharp-free deployment must not load.</summary>
    private static readonly string[] ForbiddenAssemblies = ["TorchSharp", "LstmAe.Core", "LstmAe.MLNet"];

    /// <summary>Scores the clips and writes <see cref="ScoringFolder.ResultsFile"/>.</summary>
    /// <returns>What was measured.</returns>
    /// <exception cref="FileNotFoundException">A file of the training half is missing.</exception>
    /// <exception cref="InvalidOperationException">TorchSharp or LstmAe was loaded after all.</exception>
    public ScoringResults Run()
    {
        foreach (string file in new[] { ScoringFolder.EncoderFile, ScoringFolder.ClassifierFile, ScoringFolder.ClipsFile })
        {
            if (!File.Exists(Path.Combine(folder, file)))
                throw new FileNotFoundException($"'{Path.Combine(folder, file)}' is missing; run LstmAe.Samples.OnnxScoring with --output {folder} first.");
        }
        var ml = new MLContext(seed: 0);
        IDataView clips = ml.Data.LoadFromBinary(Path.Combine(folder, ScoringFolder.ClipsFile));
        // The graph's batch dimension is symbolic; ML.NET feeds it one row at a time, and the features output
        // [batch, n] becomes a vector column of n floats, the type the classifier was trained on.
        var encoder = ml.Transforms.ApplyOnnxModel(
            outputColumnName: ScoringFolder.FeaturesColumn,
            inputColumnName: ScoringFolder.FramesColumn,
            modelFile: Path.Combine(folder, ScoringFolder.EncoderFile)).Fit(clips);
        ITransformer classifier = ml.Model.Load(Path.Combine(folder, ScoringFolder.ClassifierFile), out _);
        TransformerChain<ITransformer> pipeline = encoder.Append(classifier);

        var clock = Stopwatch.StartNew();
        var rows = Compare(pipeline.Transform(clips));
        double seconds = clock.Elapsed.TotalSeconds;

        string[] loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "").Where(ForbiddenAssemblies.Contains).ToArray();
        if (loaded.Length > 0)
            throw new InvalidOperationException($"The scorer loaded {string.Join(", ", loaded)}; it must run without TorchSharp.");

        var results = new ScoringResults(
            rows.Count,
            rows.Count(r => r.Onnx == r.Torch),
            rows.Max(r => r.ScoreDifference),
            rows.Count(r => r.Onnx == r.Truth) / (double)rows.Count,
            rows.Count / seconds,
            ScoringFolder.Size(AppContext.BaseDirectory),
            new FileInfo(Path.Combine(folder, ScoringFolder.EncoderFile)).Length,
            TorchSharpLoaded: false);
        File.WriteAllText(Path.Combine(folder, ScoringFolder.ResultsFile), JsonSerializer.Serialize(results, JsonOptions));

        console.WriteLine(Invariant($"Scored {results.Rows} clips with ApplyOnnxModel ({ScoringFolder.EncoderFile}, {results.EncoderBytes / 1e6:F1} MB) and the classifier, without TorchSharp."));
        console.WriteLine(Invariant($"Predictions identical to the TorchSharp pipeline's: {results.IdenticalPredictions} of {results.Rows}; largest class-score difference {results.LargestScoreDifference:E1}."));
        console.WriteLine(Invariant($"Accuracy {results.Accuracy:P1}; {results.RowsPerSecond:F0} clips/s in this one pass (see the 'onnx' benchmark suite for measured speed)."));
        console.WriteLine(Invariant($"This app's output folder: {results.AppFolderBytes / 1e6:F0} MB ({AppContext.BaseDirectory}). No TorchSharp or LstmAe assembly was loaded."));
        ReportBesideTraining(results);
        return results;
    }

    /// <summary>Both paths side by side, where the training half left its figures.</summary>
    private void ReportBesideTraining(ScoringResults results)
    {
        string file = Path.Combine(folder, ScoringFolder.TrainingResultsFile);
        if (!File.Exists(file))
            return;
        using JsonDocument training = JsonDocument.Parse(File.ReadAllText(file));
        long torchFolder = training.RootElement.GetProperty("AppFolderBytes").GetInt64();
        double torchRate = training.RootElement.GetProperty("RowsPerSecond").GetDouble();
        console.WriteLine(Invariant($"{"path",-34} {"app folder",11} {"clips/s, one pass",18}"));
        console.WriteLine(Invariant($"{"LstmAutoEncode (TorchSharp)",-34} {torchFolder / 1e6,8:F0} MB {torchRate,18:F0}"));
        console.WriteLine(Invariant($"{"ApplyOnnxModel (ONNX Runtime)",-34} {results.AppFolderBytes / 1e6,8:F0} MB {results.RowsPerSecond,18:F0}"));
    }

    private static List<(uint Onnx, uint Torch, uint Truth, double ScoreDifference)> Compare(IDataView scored)
    {
        DataViewSchema schema = scored.Schema;
        var columns = new[]
        {
            schema[ScoringFolder.PredictedLabelColumn], schema[ScoringFolder.TorchPredictedLabelColumn],
            schema[ScoringFolder.LabelColumn], schema[ScoringFolder.ScoreColumn], schema[ScoringFolder.TorchScoreColumn],
        };
        using DataViewRowCursor cursor = scored.GetRowCursor(columns);
        ValueGetter<uint> onnx = cursor.GetGetter<uint>(columns[0]), torch = cursor.GetGetter<uint>(columns[1]), truth = cursor.GetGetter<uint>(columns[2]);
        ValueGetter<VBuffer<float>> onnxScore = cursor.GetGetter<VBuffer<float>>(columns[3]), torchScore = cursor.GetGetter<VBuffer<float>>(columns[4]);
        var rows = new List<(uint, uint, uint, double)>();
        uint a = 0, b = 0, c = 0;
        VBuffer<float> x = default, y = default;
        while (cursor.MoveNext())
        {
            onnx(ref a);
            torch(ref b);
            truth(ref c);
            onnxScore(ref x);
            torchScore(ref y);
            double difference = x.DenseValues().Zip(y.DenseValues(), (p, q) => (double)Math.Abs(p - q)).DefaultIfEmpty(0).Max();
            rows.Add((a, b, c, difference));
        }
        return rows;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
