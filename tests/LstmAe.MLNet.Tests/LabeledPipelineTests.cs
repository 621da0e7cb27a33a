using LstmAe.Data;
using LstmAe.MLNet.Data;
using LstmAe.MLNet.Tests.Support;
using LstmAe.Tests.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet.Tests;

/// <summary>Labelled user data, end to end: npy or frame folders -> LstmAutoEncode -> cache -> SdcaMaximumEntropy.</summary>
[TestClass]
public sealed class LabeledPipelineTests
{
    [TestMethod]
    public void LabelledNpyReachesSdcaMaximumEntropy()
    {
        using var temp = new TempDirectory();
        long[] classes = Enumerable.Range(0, 12).Select(i => (long)(i % 3)).ToArray();
        string data = temp.Write("clips.npy", NpyFiles.Sequences(classes.Length, 4, 5, 5, n => (int)classes[n]));
        string labels = temp.Write("labels.npy", NpyFiles.Labels("<i8", classes));
        var ml = new MLContext(seed: 1);
        IDataView view = ml.Data.LoadSequencesFromNpy(data, new NpySequenceOptions { LabelsPath = labels });

        string[] predicted = FitAndPredict(ml, view);

        Assert.HasCount(classes.Length, predicted);
        Assert.IsTrue(predicted.All(p => p is "0" or "1" or "2"), string.Join(", ", predicted));
        ((IDisposable)view).Dispose();
    }

    [TestMethod]
    public void LabelledFrameFoldersReachSdcaMaximumEntropy()
    {
        using var temp = new TempDirectory();
        string[] classes = ["circle", "square"];
        for (int i = 0; i < 8; i++)
            FrameFolderFiles.WriteSequence(temp, $"{classes[i % 2]}/clip{i}", i % 2, i / 2);
        var ml = new MLContext(seed: 1);
        IDataView view = ml.Data.LoadFrameSequences(temp.Path, new FrameFolderOptions
        {
            FrameHeight = FrameFolderFiles.Size,
            FrameWidth = FrameFolderFiles.Size,
            LabelsFromClassFolders = true,
        });

        string[] predicted = FitAndPredict(ml, view);

        Assert.HasCount(8, predicted);
        Assert.IsTrue(predicted.All(classes.Contains), string.Join(", ", predicted));
    }

    [TestMethod]
    public void AViewThatCannotShuffleIsNamedInAWarning()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };
        IDataView rows = TinySequences.Load(ml, 4);
        Assert.IsFalse(rows.CanShuffle);

        using (TinySequences.Fit(ml, count: 4, o => o.Training = o.Training with { MaxSteps = 1 }))
        {
        }

        string warning = warnings.SingleOrDefault(w => w.Contains("cannot shuffle", StringComparison.Ordinal)) ?? string.Join("\n", warnings);
        StringAssert.Contains(warning, "cannot shuffle");
        StringAssert.Contains(warning, rows.GetType().FullName!);
    }

    [TestMethod]
    public void AShufflingViewGetsNoWarning()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };
        IDataView cached = ml.Data.Cache(TinySequences.Load(ml, 4));
        Assert.IsTrue(cached.CanShuffle);

        using (ml.Transforms.LstmAutoEncode(TinySequences.Options(o => o.Training = o.Training with { MaxSteps = 1 })).Fit(cached))
        {
        }

        Assert.IsFalse(warnings.Any(w => w.Contains("cannot shuffle", StringComparison.Ordinal)), string.Join("\n", warnings));
    }

    // A tiny autoencoder (a few steps) whose features are cached, then SDCA on the key-typed Label; returns the
    // predicted class names in row order.
    private static string[] FitAndPredict(MLContext ml, IDataView view)
    {
        Assert.IsInstanceOfType<KeyDataViewType>(view.Schema[SequenceColumnNames.Label].Type);
        var pipeline = ml.Transforms.LstmAutoEncode(TinySequences.Options(o => (o.Model, o.Training) = (o.Model with { InputFrames = 2, FutureFrames = 2 }, o.Training with { MaxSteps = 3, Epochs = 2 })))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                labelColumnName: SequenceColumnNames.Label, featureColumnName: "Features", maximumNumberOfIterations: 5))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));

        var model = pipeline.Fit(view);
        IDataView predictions = model.Transform(view);
        var metrics = ml.MulticlassClassification.Evaluate(predictions, SequenceColumnNames.Label);
        Assert.IsTrue(metrics.MacroAccuracy is >= 0 and <= 1);
        string[] predicted = predictions.GetColumn<ReadOnlyMemory<char>>("PredictedClass").Select(p => p.ToString()).ToArray();
        foreach (var transformer in model)
            (transformer as IDisposable)?.Dispose();
        return predicted;
    }
}
