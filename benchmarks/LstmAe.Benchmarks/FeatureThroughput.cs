using System.Diagnostics;
using LstmAe.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Benchmarks;

/// <summary>Features per second through ML.NET's two scoring paths, for any transformer that writes a
/// <c>Features</c> vector from a <c>Frames</c> vector (LstmAutoEncode, ApplyOnnxModel).</summary>
internal static class FeatureThroughput
{
    /// <summary>Rows per second of <see cref="LstmAutoEncoder.Encode(ReadOnlySpan{float}, int, EncoderFeatures, Span{float})"/>
    /// on whole batches of <paramref name="batch"/> rows of <paramref name="sequences"/>, no ML.NET in between.</summary>
    public static double RawEncode(LstmAutoEncoder model, float[] sequences, int rows, int batch)
    {
        int length = sequences.Length / rows, featureSize = model.Options.FeatureSize(EncoderFeatures.LastLayerHidden);
        var features = new float[batch * featureSize];
        var clock = Stopwatch.StartNew();
        for (int first = 0; first < rows; first += batch)
        {
            int count = Math.Min(batch, rows - first);
            model.Encode(sequences.AsSpan(first * length, count * length), count, EncoderFeatures.LastLayerHidden,
                features.AsSpan(0, count * featureSize));
        }
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Rows per second of a cursor that reads only the <c>Features</c> column.</summary>
    public static double Cursor(IDataView transformed)
    {
        DataViewSchema.Column column = transformed.Schema["Features"];
        var clock = Stopwatch.StartNew();
        using DataViewRowCursor cursor = transformed.GetRowCursor([column]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> features = default;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref features);
            rows++;
        }
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Rows per second of a <see cref="PredictionEngine{TSrc, TDst}"/> called once per row, after one
    /// warm-up call.</summary>
    public static double PredictionEngine(MLContext ml, ITransformer transformer, IDataView data, int rows)
    {
        SequenceRow[] inputs = ml.Data.CreateEnumerable<SequenceRow>(data, reuseRowObject: false).Take(rows).ToArray();
        // The row class's float[] has no size; the definition gives it the data's [T, H, W] shape.
        SchemaDefinition definition = SchemaDefinition.Create(typeof(SequenceRow));
        definition[nameof(SequenceRow.Frames)].ColumnType = data.Schema["Frames"].Type;
        using var engine = ml.Model.CreatePredictionEngine<SequenceRow, FeatureRow>(transformer,
            new PredictionEngineOptions { InputSchemaDefinition = definition, OwnsTransformer = false });
        engine.Predict(inputs[0]);
        var clock = Stopwatch.StartNew();
        foreach (SequenceRow input in inputs)
            engine.Predict(input);
        return rows / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The first <paramref name="keptLength"/> values of each of the <paramref name="rows"/> rows of
    /// <c>Frames</c> (rows of <paramref name="rowLength"/> values), one after another.</summary>
    public static float[] ReadFrames(IDataView data, int rows, int rowLength, int keptLength)
    {
        var sequences = new float[(long)rows * keptLength];
        var row = new float[rowLength];
        DataViewSchema.Column column = data.Schema["Frames"];
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> frames = default;
        for (int index = 0; cursor.MoveNext(); index++)
        {
            getter(ref frames);
            frames.CopyTo(row);
            row.AsSpan(0, keptLength).CopyTo(sequences.AsSpan(index * keptLength, keptLength));
        }
        return sequences;
    }

    private sealed class SequenceRow
    {
        public float[] Frames { get; set; } = [];
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
