using LstmAe.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.Samples.OnnxScoring;

/// <summary>
/// Single-digit Moving MNIST clips with the digit's class as label, as an ML.NET data view: <c>Frames</c>
/// (vector [frames, height, width] of pixel values in [0, 1]) and <c>Label</c> (a key over the ten classes).
/// </summary>
internal static class LabeledClips
{
    private const int Classes = 10;

    public static IDataView Generate(MLContext ml, OnnxSampleSettings settings, int count, DataSplit split, int seed)
    {
        var generator = new MovingMnistGenerator(new MovingMnistOptions
        {
            SequenceCount = count,
            FrameCount = settings.InputFrames,
            FrameHeight = settings.FrameSize,
            FrameWidth = settings.FrameSize,
            DigitsPerSequence = 1,
            Split = split,
            Seed = seed,
        });
        var motion = new DigitMotion[1];
        var rows = new List<Clip>(count);
        for (int i = 0; i < count; i++)
        {
            var frames = new float[generator.SequenceLength];
            generator.Generate(i, frames, motion);
            rows.Add(new Clip { Frames = frames, Label = (uint)motion[0].Label });
        }
        var schema = SchemaDefinition.Create(typeof(Clip));
        schema[ScoringFolder.FramesColumn].ColumnType =
            new VectorDataViewType(NumberDataViewType.Single, settings.InputFrames, settings.FrameSize, settings.FrameSize);
        // LoadFromEnumerable reads a key-typed uint as a zero-based index: class 0 becomes key 1.
        schema[ScoringFolder.LabelColumn].ColumnType = new KeyDataViewType(typeof(uint), Classes);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class Clip
    {
        public float[] Frames { get; set; } = [];

        public uint Label { get; set; }
    }
}
