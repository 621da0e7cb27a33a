using LstmAe.Data;
using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Tests.Shared;
using LstmAe.Training;
using Microsoft.ML;

namespace LstmAe.MLNet.Tests;

/// <summary>The pipeline example of docs/data.md, compiled and run here with tiny sizes (the page must hold the marked
/// code below verbatim, so the two cannot drift apart), and the README's option tables.</summary>
[TestClass]
public sealed class ReadmeExampleTests
{
    // docs pipeline: begin
    static ITransformer TrainClassifier(MLContext ml, IDataView clips, LstmAutoEncoderOptions options, string path)
    {
        var pipeline = ml.Transforms.LstmAutoEncode(options)
            // SDCA reads its input many times: cache the features so the encoder runs once per row.
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features"));
        ITransformer model = pipeline.Fit(clips);
        ml.Model.SaveAtomically(model, clips.Schema, path);
        return model;
    }
    // docs pipeline: end

    // Compiled, not run (it trains the full CpuDefault recipe on 4,000 clips).
    static ITransformer ReadmeCall()
    {
        // docs call: begin
        var ml = new MLContext(seed: 0);
        IDataView clips = ml.Data.LoadMovingMnist(new MovingMnistOptions { DigitsPerSequence = 1, SequenceCount = 4_000 });
        ITransformer model = TrainClassifier(ml, clips, new LstmAutoEncoderOptions(), "model.zip");
        // docs call: end
        return model;
    }

    [TestMethod]
    public void TheDataPageHoldsThisPipelineVerbatim()
    {
        string[] missing = DocExamples.RegionsMissingFrom("docs/data.md", $"tests/LstmAe.MLNet.Tests/{nameof(ReadmeExampleTests)}.cs",
            "docs pipeline", "docs call");
        Assert.IsEmpty(missing, $"docs/data.md does not hold the code marked so in {nameof(ReadmeExampleTests)}.cs");
        Assert.IsNotNull((Func<ITransformer>)ReadmeCall);
    }

    [TestMethod]
    public void ThePipelineExampleTrainsSavesAndLoads()
    {
        using var folder = new TempDirectory();
        var ml = new MLContext(seed: 0);
        IDataView clips = ml.Data.LoadMovingMnist(new MovingMnistOptions
        {
            DigitsPerSequence = 1, SequenceCount = 24, FrameCount = 4, FrameHeight = 32, FrameWidth = 32,
        });
        var options = new LstmAutoEncoderOptions
        {
            Model = LstmAutoEncoderOptions.DefaultModel with { InputFrames = 2, FutureFrames = 2, HiddenSize = 8 },
            Training = TrainingOptions.CpuDefault with { Epochs = 1, BatchSize = 8 },
        };

        ITransformer model = TrainClassifier(ml, clips, options, folder.File("model.zip"));

        var fresh = new MLContext(seed: 1);
        fresh.ComponentCatalog.RegisterLstmAutoEncoder();
        ITransformer loaded = fresh.Model.Load(folder.File("model.zip"), out _);
        Assert.IsNotNull(loaded.Transform(clips).Schema.GetColumnOrNull("PredictedLabel"));
        Assert.IsNotNull(model.Transform(clips).Schema.GetColumnOrNull("PredictedLabel"));
        (model as IDisposable)?.Dispose();
        (loaded as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void TheReadmeOptionTablesNameEverySetting()
    {
        // Table rows only: a name in prose or in an example does not document the option.
        string tables = string.Join("\n", File.ReadAllLines(Path.Combine(DocExamples.RepositoryRoot(), "README.md")).Where(l => l.StartsWith('|')));
        foreach (Type type in new[] { typeof(LstmAutoEncoderOptions), typeof(LstmAutoEncoderModelOptions), typeof(TrainingOptions) })
        {
            // Settable properties are the options; computed ones (FrameSize, HasPredictionDecoder, ...) are not.
            string[] missing = type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
                .Where(p => p.SetMethod is { IsPublic: true })
                .Select(p => p.Name)
                .Where(name => !tables.Contains($"`{name}`", StringComparison.Ordinal))
                .ToArray();
            Assert.IsEmpty(missing, $"README.md's option tables lack {type.Name}: {string.Join(", ", missing)}");
        }
    }
}
