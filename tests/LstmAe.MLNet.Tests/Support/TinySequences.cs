using LstmAe.MLNet;
using LstmAe.Model;
using LstmAe.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Tests.Support;

/// <summary>Small synthetic sequences (8 frames of 6x6: 4 input + 4 future) and a model small enough to train in
/// a fraction of a second, for tests that do not need Moving MNIST.</summary>
internal static class TinySequences
{
    public const int InputFrames = 4;
    public const int FutureFrames = 4;
    public const int Height = 6;
    public const int Width = 6;
    public const int Length = (InputFrames + FutureFrames) * Height * Width;

    /// <summary>One row: frames shaped [8, 6, 6], a label and a text id to check pass-through.</summary>
    public sealed class Row
    {
        [VectorType(InputFrames + FutureFrames, Height, Width)]
        public float[] Frames { get; set; } = [];

        public float Label { get; set; }

        public string Id { get; set; } = "";
    }

    /// <summary>A bright square moving one pixel per frame; rows differ by start position and brightness.</summary>
    public static Row[] Rows(int count, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var frames = new float[Length];
            int x = random.Next(Width - 1), y = random.Next(Height - 1);
            float brightness = 0.5f + 0.5f * (float)random.NextDouble();
            for (int t = 0; t < InputFrames + FutureFrames; t++)
            {
                int px = (x + t) % (Width - 1), py = (y + t / 2) % (Height - 1);
                for (int dy = 0; dy < 2; dy++)
                {
                    for (int dx = 0; dx < 2; dx++)
                        frames[(t * Height + py + dy) * Width + px + dx] = brightness;
                }
            }
            return new Row { Frames = frames, Label = i % 3, Id = $"row-{i}" };
        }).ToArray();
    }

    public static IDataView Load(MLContext ml, int count, int seed = 1) => ml.Data.LoadFromEnumerable(Rows(count, seed));

    /// <summary>A model that trains in well under a second.</summary>
    public static LstmAutoEncoderOptions Options(Action<LstmAutoEncoderOptions>? adjust = null)
    {
        var options = new LstmAutoEncoderOptions
        {
            // Float32 products, a constant learning rate and no clipping: results independent of this CPU's bf16.
            Model = LstmAutoEncoderModelOptions.CpuDefault with { InputFrames = InputFrames, FutureFrames = FutureFrames, HiddenSize = 8 },
            Training = new TrainingOptions { Epochs = 1, BatchSize = 4, LearningRate = 1e-2, Seed = 7 },
            TransformBatchSize = 5,
        };
        adjust?.Invoke(options);
        return options;
    }

    /// <summary>Fits a tiny transformer on <paramref name="count"/> rows.</summary>
    public static LstmAutoEncoderTransformer Fit(MLContext ml, int count = 12, Action<LstmAutoEncoderOptions>? adjust = null) =>
        ml.Transforms.LstmAutoEncode(Options(adjust)).Fit(Load(ml, count));

    /// <summary>Every value of a float vector column, row by row, read through one cursor.</summary>
    public static List<float[]> ReadVectors(IDataView data, string column)
    {
        var rows = new List<float[]>();
        using DataViewRowCursor cursor = data.GetRowCursor([data.Schema[column]]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(data.Schema[column]);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows.Add(value.DenseValues().ToArray());
        }
        return rows;
    }
}
