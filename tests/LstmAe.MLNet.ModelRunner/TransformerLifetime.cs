using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.ModelRunner;

/// <summary>
/// Disposing a transformer while other code uses it: before reference counting, each of these freed the native model
/// under a running forward pass (SIGSEGV, or glibc aborting on a corrupt heap).
/// </summary>
internal static class TransformerLifetime
{
    private const int FrameCount = 8, Side = 12;

    public static int Run(string scenario) => scenario switch
    {
        "shared-engines" => SharedEngines(),
        "dispose-while-in-use" => DisposeWhileInUse(),
        _ => throw new ArgumentException($"Unknown lifetime scenario '{scenario}'.", nameof(scenario)),
    };

    /// <summary>
    /// The issue's pattern: four prediction engines, each disposing the transformer with itself (ML.NET's default),
    /// one of them early; and here the creator lets go of its share first. Every prediction must succeed, and the
    /// model must be released only with the last engine.
    /// </summary>
    private static int SharedEngines()
    {
        var ml = new MLContext(seed: 0);
        Row[] rows = Rows(16);
        LstmAutoEncoderTransformer model = Fit(ml, rows);
        var engines = Enumerable.Range(0, 4).Select(_ => ml.Model.CreatePredictionEngine<Row, Features>(model)).ToArray();
        model.Dispose(); // the creator's share; the engines still own theirs
        int predictions = 0;
        Parallel.For(0, 4, i =>
        {
            using PredictionEngine<Row, Features> engine = engines[i];
            for (int k = 0; k < (i == 0 ? 10 : 400); k++)
            {
                float[] features = engine.Predict(rows[k % rows.Length]).Values;
                Require(features.Length == 2 * 16 && features.All(float.IsFinite), $"engine {i} gave features of length {features.Length}");
                Interlocked.Increment(ref predictions);
            }
        });
        Console.WriteLine($"predictions: {predictions}");

        // The same pattern with the creator keeping its share, engines created on the worker threads as the issue
        // wrote it: afterwards the transformer still works for the creator.
        LstmAutoEncoderTransformer kept = Fit(ml, rows);
        Parallel.For(0, 4, i =>
        {
            using var engine = ml.Model.CreatePredictionEngine<Row, Features>(kept);
            for (int k = 0; k < (i == 0 ? 10 : 400); k++)
                engine.Predict(rows[k % rows.Length]);
        });
        Require(ml.Data.CreateEnumerable<Features>(kept.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).Count() == rows.Length,
            "the creator could not transform after the engines were disposed");

        // And over a pipeline, as ml.Model.Load and Fit return it: an engine disposes the whole chain, which disposes
        // each of its transformers once.
        using TransformerChain<ITransformer> chain = ml.Transforms.CopyColumns("Copy", "Frames")
            .Append<ITransformer>(ml.Transforms.LstmAutoEncode(Options()))
            .Fit(ml.Data.LoadFromEnumerable(rows));
        int chainPredictions = 0;
        Parallel.For(0, 4, i =>
        {
            using var engine = ml.Model.CreatePredictionEngine<Row, Features>(chain);
            for (int k = 0; k < (i == 0 ? 10 : 400); k++)
            {
                engine.Predict(rows[k % rows.Length]);
                Interlocked.Increment(ref chainPredictions);
            }
        });
        Console.WriteLine($"chain predictions: {chainPredictions}");
        kept.Dispose();
        Console.WriteLine($"transform after last owner: {Describe(() => kept.Transform(ml.Data.LoadFromEnumerable(rows)))}");
        Console.WriteLine($"engine after last owner: {Describe(() => ml.Model.CreatePredictionEngine<Row, Features>(model))}");
        return 0;
    }

    /// <summary>
    /// A cursor, a prediction engine and Transform calls run on three threads while the main thread ends both
    /// owners' shares (the creator's and the engine's): each thread must stop with ObjectDisposedException.
    /// </summary>
    private static int DisposeWhileInUse()
    {
        var ml = new MLContext(seed: 0);
        Row[] rows = Rows(64);
        LstmAutoEncoderTransformer model = Fit(ml, rows);
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var engine = ml.Model.CreatePredictionEngine<Row, Features>(model, new PredictionEngineOptions { OwnsTransformer = false });
        using var started = new CountdownEvent(3);

        Task<string> cursor = Task.Run(() => Describe(() =>
        {
            IDataView transformed = model.Transform(data);
            for (int pass = 0; ; pass++)
            {
                using DataViewRowCursor rowCursor = transformed.GetRowCursor(transformed.Schema);
                var getter = rowCursor.GetGetter<VBuffer<float>>(transformed.Schema["Features"]);
                VBuffer<float> value = default;
                while (rowCursor.MoveNext())
                    getter(ref value);
                if (pass == 0)
                    started.Signal();
            }
        }));
        Task<string> predict = Task.Run(() => Describe(() =>
        {
            for (int k = 0; ; k++)
            {
                engine.Predict(rows[k % rows.Length]);
                if (k == 10)
                    started.Signal();
            }
        }));
        Task<string> transform = Task.Run(() => Describe(() =>
        {
            for (int k = 0; ; k++)
            {
                _ = ml.Data.CreateEnumerable<Features>(model.Transform(data), reuseRowObject: false).First();
                if (k == 2)
                    started.Signal();
            }
        }));

        Require(started.Wait(TimeSpan.FromMinutes(1)), "the threads did not start");
        model.Dispose(); // the creator's share
        model.Dispose(); // the share of the engine's owner, who would dispose it with the engine
        Require(Task.WaitAll([cursor, predict, transform], TimeSpan.FromMinutes(1)), "a thread did not stop after the disposal");
        Console.WriteLine($"cursor: {cursor.Result}");
        Console.WriteLine($"predict: {predict.Result}");
        Console.WriteLine($"transform: {transform.Result}");
        Console.WriteLine($"model: {Describe(() => model.Model)}");
        Console.WriteLine($"save: {Describe(() => ml.Model.Save(model, data.Schema, new MemoryStream()))}");
        return 0;
    }

    private static LstmAutoEncoderTransformer Fit(MLContext ml, Row[] rows) =>
        ml.Transforms.LstmAutoEncode(Options()).Fit(ml.Data.LoadFromEnumerable(rows));

    private static LstmAutoEncoderOptions Options() => new()
    {
        Model = LstmAutoEncoderModelOptions.CpuDefault with { InputFrames = FrameCount / 2, FutureFrames = FrameCount / 2, HiddenSize = 16 },
        Training = new TrainingOptions { Epochs = 1, BatchSize = 8, Seed = 1 },
        TransformBatchSize = 4,
    };

    /// <summary>"ok", or the exception's type and message on one line.</summary>
    private static string Describe(Action action)
    {
        try
        {
            action();
            return "ok";
        }
        catch (Exception e)
        {
            Exception inner = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
            return $"{inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}";
        }
    }

    private static string Describe(Func<object> function) => Describe(() => { _ = function(); });

    private static void Require(bool condition, string failure)
    {
        if (!condition)
            throw new InvalidOperationException(failure);
    }

    private static Row[] Rows(int count)
    {
        var random = new Random(3);
        return Enumerable.Range(0, count)
            .Select(_ => new Row { Frames = Enumerable.Range(0, FrameCount * Side * Side).Select(_ => (float)random.NextDouble()).ToArray() })
            .ToArray();
    }

    public sealed class Row
    {
        [VectorType(FrameCount, Side, Side)]
        public float[] Frames { get; set; } = [];
    }

    public sealed class Features
    {
        [ColumnName("Features")]
        public float[] Values { get; set; } = [];
    }
}
