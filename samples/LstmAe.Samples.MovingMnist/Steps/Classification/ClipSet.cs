using LstmAe.Data;

namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>
/// Generated single-digit clips (input frames only) with their three labels, and each representation's features.
/// The pixels are generated and reduced chunk by chunk, so a set never holds all its clips' frames at once.
/// </summary>
/// <param name="Options">The generator settings the clips come from.</param>
/// <param name="Labels">Per task (<see cref="ClassificationTask"/>), one label per clip.</param>
/// <param name="Features">Per representation (by name), count x width floats.</param>
internal sealed record ClipSet(MovingMnistOptions Options, IReadOnlyDictionary<ClassificationTask, int[]> Labels,
    IReadOnlyDictionary<string, float[]> Features)
{
    private const int Chunk = 256;

    public int Count => Options.SequenceCount;

    public static ClipSet Generate(MovingMnistOptions options, IReadOnlyList<Representation> representations)
    {
        var generator = new MovingMnistGenerator(options);
        int count = options.SequenceCount, length = generator.SequenceLength;
        float minimumSpeed = options.Speed, maximumSpeed = options.MaxSpeed ?? options.Speed;
        var digits = new int[count];
        var directions = new int[count];
        var speeds = new int[count];
        var features = representations.ToDictionary(r => r.Name, r => r.FromPixels is null ? r.FromClips!(options) : new float[(long)count * r.Width]);
        var pixels = new float[(long)Math.Min(Chunk, count) * length];
        var motion = new DigitMotion[1];
        for (int first = 0; first < count; first += Chunk)
        {
            int n = Math.Min(Chunk, count - first);
            for (int i = 0; i < n; i++)
            {
                generator.Generate(first + i, pixels.AsSpan(i * length, length), motion);
                digits[first + i] = motion[0].Label;
                directions[first + i] = MotionLabels.Direction(motion[0]);
                speeds[first + i] = MotionLabels.Speed(motion[0], minimumSpeed, maximumSpeed);
            }
            foreach (var representation in representations.Where(r => r.FromPixels is not null))
            {
                representation.FromPixels!(pixels.AsSpan(0, n * length), n,
                    features[representation.Name].AsSpan(first * representation.Width, n * representation.Width));
            }
        }
        var labels = new Dictionary<ClassificationTask, int[]>
        {
            [ClassificationTask.Digit] = digits,
            [ClassificationTask.Direction] = directions,
            [ClassificationTask.Speed] = speeds,
        };
        return new ClipSet(options, labels, features);
    }
}
