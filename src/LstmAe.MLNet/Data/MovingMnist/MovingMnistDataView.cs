using LstmAe.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Data;

/// <summary>
/// Moving MNIST as an <see cref="IDataView"/>: one row per generated sequence, computed when a cursor reaches it.
/// Columns: <c>Frames</c> (all frames, [T, H, W]), then per digit its label (a key over the classes, 1-based as
/// ML.NET keys are, with the class names as key values), start and velocity (see <see cref="SequenceColumnNames"/>).
/// </summary>
internal sealed class MovingMnistDataView : SequenceDataView
{
    private const int PointDimensions = 2;
    private const int FramesColumn = 0;
    private const int ColumnsPerDigit = 3; // label, start, velocity
    private readonly MovingMnistGenerator _generator;

    public MovingMnistDataView(MovingMnistGenerator generator)
        : base(CreateSchema(generator), generator.SequenceCount)
    {
        _generator = generator;
    }

    protected override SequenceRowReader CreateReader() => new Reader(_generator);

    // Column layout: Frames, then per digit its label, start and velocity.
    private static DataViewSchema CreateSchema(MovingMnistGenerator generator)
    {
        MovingMnistOptions options = generator.Options;
        int digits = options.DigitsPerSequence;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(SequenceColumnNames.Frames,
            new VectorDataViewType(NumberDataViewType.Single, options.FrameCount, options.FrameHeight, options.FrameWidth));
        var labelType = new KeyDataViewType(typeof(uint), generator.Digits.ClassCount);
        var pointType = new VectorDataViewType(NumberDataViewType.Single, PointDimensions);
        // Key values "0".."9", so a multiclass trainer's PredictedLabel maps back to the digit.
        DataViewSchema.Annotations classNames = KeyValueAnnotations.For(
            Enumerable.Range(0, generator.Digits.ClassCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        for (int d = 0; d < digits; d++)
        {
            builder.AddColumn(SequenceColumnNames.DigitLabel(d, digits), labelType, classNames);
            builder.AddColumn(SequenceColumnNames.DigitStart(d, digits), pointType);
            builder.AddColumn(SequenceColumnNames.DigitVelocity(d, digits), pointType);
        }

        return builder.ToSchema();
    }

    private sealed class Reader(MovingMnistGenerator generator) : SequenceRowReader
    {
        private readonly DigitMotion[] _motions = new DigitMotion[generator.Options.DigitsPerSequence];
        private int _motionsRow = -1;

        public override Delegate CreateGetter(int columnIndex)
        {
            if (columnIndex == FramesColumn)
            {
                return (ValueGetter<VBuffer<float>>)GetFrames;
            }

            int digit = (columnIndex - 1) / ColumnsPerDigit;
            return ((columnIndex - 1) % ColumnsPerDigit) switch
            {
                0 => (ValueGetter<uint>)((ref uint key) => key = (uint)Motion(digit).Label + 1),
                1 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> point) => WritePoint(ref point, Motion(digit).StartX, Motion(digit).StartY)),
                _ => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> point) => WritePoint(ref point, Motion(digit).VelocityX, Motion(digit).VelocityY)),
            };
        }

        private void GetFrames(ref VBuffer<float> frames)
        {
            DigitMotion[] motions = Motions();
            VBufferEditor<float> editor = VBufferEditor.Create(ref frames, generator.SequenceLength);
            generator.Render(motions, editor.Values);
            frames = editor.Commit();
        }

        private DigitMotion Motion(int digit) => Motions()[digit];

        // Sampling is cheap, but several columns of one row share it.
        private DigitMotion[] Motions()
        {
            int row = Row;
            if (_motionsRow != row)
            {
                generator.SampleMotions(row, _motions);
                _motionsRow = row;
            }

            return _motions;
        }

        private static void WritePoint(ref VBuffer<float> point, float x, float y)
        {
            VBufferEditor<float> editor = VBufferEditor.Create(ref point, PointDimensions);
            editor.Values[0] = x;
            editor.Values[1] = y;
            point = editor.Commit();
        }
    }
}
