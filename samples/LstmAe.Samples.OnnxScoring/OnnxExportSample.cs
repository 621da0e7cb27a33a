using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LstmAe.Data;
using LstmAe.IO;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Samples.Shared;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.OnnxScoring;

/// <summary>
/// The training half of the ONNX sample: fits <c>LstmAutoEncode</c> and a digit classifier on its features (ML.NET,
/// TorchSharp), exports the transformer with <see cref="LstmAutoEncoderTransformer.ExportOnnx"/>, saves
/// the classifier alone, and scores new clips with the TorchSharp pipeline, keeping its predictions beside the clips
/// for the scoring half (<c>lstmae-onnx-score</c>) to compare with.
/// </summary>
/// <param name="settings">Sizes and the output folder.</param>
/// <param name="console">Where to report.</param>
public sealed class OnnxExportSample(OnnxSampleSettings settings, TextWriter console)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Trains, exports and writes the folder; returns what was measured.</summary>
    /// <exception cref="IOException">The output folder is not empty and <see cref="OnnxSampleSettings.Force"/> is off.</exception>
    public TrainingResults Run()
    {
        string folder = OutputFolders.Prepare(settings.OutputFolder, settings.Force, "the sample's files are replaced");
        string File(string name) => Path.Combine(folder, name);
        var ml = new MLContext(seed: settings.Seed);
        IDataView train = ml.Data.Cache(LabeledClips.Generate(ml, settings, settings.TrainSequences, DataSplit.Train, settings.Seed));
        IDataView test = ml.Data.Cache(LabeledClips.Generate(ml, settings, settings.TestSequences, DataSplit.Test, settings.Seed + 1));
        console.WriteLine(Invariant($"Single-digit Moving MNIST, {settings.InputFrames} frames of {settings.FrameSize}x{settings.FrameSize}: {settings.TrainSequences} training clips, {settings.TestSequences} new clips (held-out digits)."));

        var options = new LstmAutoEncoderOptions
        {
            EncoderFeatures = settings.Features,
            Model = LstmAutoEncoderModelOptions.CpuDefault with
            {
                HiddenSize = settings.HiddenSize,
                InputFrames = settings.InputFrames,
                FutureFrames = 0,
                Mode = AutoEncoderMode.ReconstructionOnly,
            },
            Training = TrainingOptions.CpuDefault with { Epochs = settings.Epochs, BatchSize = settings.BatchSize, Seed = settings.Seed },
        };
        using LstmAutoEncoderTransformer autoEncoder = ml.Transforms.LstmAutoEncode(options).Fit(train);
        IDataView trainFeatures = autoEncoder.Transform(train);
        var classifier = ml.Transforms.NormalizeMinMax(ScoringFolder.FeaturesColumn)
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(ScoringFolder.LabelColumn, ScoringFolder.FeaturesColumn))
            .Fit(trainFeatures);
        var pipeline = new TransformerChain<ITransformer>(autoEncoder, classifier);
        console.WriteLine(Invariant($"Trained LstmAutoEncode (1 x {settings.HiddenSize}, {settings.Epochs} epochs) and a maximum-entropy classifier on its {settings.Features} features."));

        ml.Model.SaveAtomically(pipeline, train.Schema, File(ScoringFolder.PipelineFile));
        ml.Model.SaveAtomically(classifier, trainFeatures.Schema, File(ScoringFolder.ClassifierFile));
        // The transformer's own graph: its features, its column names, rows laid out as train's frame column.
        autoEncoder.ExportOnnx(File(ScoringFolder.EncoderFile), train.Schema);

        // The TorchSharp pipeline's predictions on the new clips, kept beside them for the scorer to compare.
        IDataView scored = pipeline.Transform(test);
        var clock = Stopwatch.StartNew();
        long rows = CountRows(scored);
        double rowsPerSecond = rows / clock.Elapsed.TotalSeconds;
        double accuracy = ml.MulticlassClassification.Evaluate(scored, ScoringFolder.LabelColumn).MicroAccuracy;
        IDataView clips = ml.Transforms.CopyColumns(ScoringFolder.TorchPredictedLabelColumn, ScoringFolder.PredictedLabelColumn)
            .Append(ml.Transforms.CopyColumns(ScoringFolder.TorchScoreColumn, ScoringFolder.ScoreColumn))
            .Append(ml.Transforms.SelectColumns(ScoringFolder.FramesColumn, ScoringFolder.LabelColumn, ScoringFolder.TorchPredictedLabelColumn, ScoringFolder.TorchScoreColumn))
            .Fit(scored)
            .Transform(scored);
        AtomicFile.Write(File(ScoringFolder.ClipsFile), stream => ml.Data.SaveAsBinary(clips, stream, keepHidden: false));

        var results = new TrainingResults(
            (int)rows, accuracy, rowsPerSecond,
            ScoringFolder.Size(AppContext.BaseDirectory),
            new FileInfo(File(ScoringFolder.PipelineFile)).Length,
            new FileInfo(File(ScoringFolder.EncoderFile)).Length);
        System.IO.File.WriteAllText(File(ScoringFolder.TrainingResultsFile), JsonSerializer.Serialize(results, JsonOptions));
        console.WriteLine(Invariant($"TorchSharp pipeline on the new clips: accuracy {accuracy:P1}, {rowsPerSecond:F0} clips/s in this one pass."));
        console.WriteLine(Invariant($"Wrote {ScoringFolder.PipelineFile} ({results.PipelineBytes / 1e6:F1} MB), {ScoringFolder.EncoderFile} ({results.EncoderBytes / 1e6:F1} MB), {ScoringFolder.ClassifierFile} and {ScoringFolder.ClipsFile} to {folder}."));
        console.WriteLine(Invariant($"This app's output folder (TorchSharp, libtorch): {results.AppFolderBytes / 1e6:F0} MB."));
        console.WriteLine($"Next, score without TorchSharp: dotnet run -c Release --project samples/LstmAe.Samples.OnnxScoring.Scorer -- --folder {folder}");
        return results;
    }

    private static long CountRows(IDataView scored)
    {
        DataViewSchema.Column column = scored.Schema[ScoringFolder.PredictedLabelColumn];
        using DataViewRowCursor cursor = scored.GetRowCursor([column]);
        ValueGetter<uint> getter = cursor.GetGetter<uint>(column);
        uint label = 0;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref label);
            rows++;
        }
        return rows;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
