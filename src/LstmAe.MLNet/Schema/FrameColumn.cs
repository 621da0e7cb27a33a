using LstmAe.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Schema;

/// <summary>
/// Checks the input column of frames and works out its <see cref="FrameLayout"/>. Schema errors are
/// <see cref="ArgumentOutOfRangeException"/>s, as in ML.NET's own transforms, and name the column, its actual type
/// and the accepted shapes.
/// </summary>
internal static class FrameColumn
{
    private static readonly int DefaultFrameHeight = LstmAutoEncoderModelOptions.CpuDefault.FrameHeight;
    private static readonly int DefaultFrameWidth = LstmAutoEncoderModelOptions.CpuDefault.FrameWidth;

    /// <summary>The layout the options ask for, with 64x64 frames where they leave the size open.</summary>
    public static FrameLayout Requested(int inputFrames, int futureFrames, int? frameHeight, int? frameWidth) =>
        new(inputFrames, futureFrames, frameHeight ?? DefaultFrameHeight, frameWidth ?? DefaultFrameWidth, inputFrames);

    /// <summary>The check possible on a <see cref="SchemaShape"/>, which knows kinds but not sizes.</summary>
    public static void Check(SchemaShape inputSchema, string columnName, FrameLayout expected)
    {
        SchemaShape.Column column = inputSchema.LastOrDefault(c => c.Name == columnName);
        if (column.Name is null)
            throw Missing(columnName, expected, inputSchema.Select(c => c.Name));
        string actual = $"{column.Kind} of {column.ItemType}";
        if (column.Kind == SchemaShape.Column.VectorKind.VariableVector && column.ItemType == NumberDataViewType.Single)
            throw UnknownSize(columnName, expected, actual);
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw WrongType(columnName, expected, actual);
    }

    /// <summary>Infers the layout for training: frame size from dimensions [T, H, W] when the column has them,
    /// else from <paramref name="frameHeight"/> / <paramref name="frameWidth"/> (64 when null).</summary>
    public static FrameLayout Infer(DataViewSchema schema, string columnName, int inputFrames, int futureFrames,
        int? frameHeight, int? frameWidth)
    {
        FrameLayout requested = Requested(inputFrames, futureFrames, frameHeight, frameWidth);
        VectorDataViewType vector = RequireFixedFloatVector(schema, columnName, requested);
        (int height, int width) = (requested.FrameHeight, requested.FrameWidth);
        if (vector.Dimensions.Length == 3)
        {
            (int dimHeight, int dimWidth) = (vector.Dimensions[1], vector.Dimensions[2]);
            if ((frameHeight ?? dimHeight) != dimHeight || (frameWidth ?? dimWidth) != dimWidth)
            {
                throw SchemaError(
                    $"Column '{columnName}' holds frames of {dimHeight}x{dimWidth} (type {vector}), but the options " +
                    $"say {height}x{width}.");
            }

            (height, width) = (dimHeight, dimWidth);
        }
        return Match(vector, columnName, requested with { FrameHeight = height, FrameWidth = width }, training: true,
            sizeKnown: !SizeAssumed(vector, frameHeight, frameWidth));
    }

    /// <summary>Whether a column of <paramref name="type"/> gets an assumed frame size: it has no [T, H, W] dimensions
    /// and the options do not give both sizes.</summary>
    public static bool SizeAssumed(DataViewType type, int? frameHeight, int? frameWidth) =>
        type is VectorDataViewType { Dimensions.Length: not 3 } && (frameHeight is null || frameWidth is null);

    /// <summary>Checks a column against a trained model's frame shape; the column may hold the input frames
    /// only, or the input and future frames.</summary>
    /// <param name="schema">The schema holding the column.</param>
    /// <param name="columnName">The column of frames.</param>
    /// <param name="expected">The frames the model reads.</param>
    /// <param name="training">True before a model is trained (its frame counts are still options to change).</param>
    public static FrameLayout Check(DataViewSchema schema, string columnName, FrameLayout expected, bool training = false) =>
        Match(RequireFixedFloatVector(schema, columnName, expected), columnName, expected, training, sizeKnown: true);

    // sizeKnown: false when the frame size is only assumed (a flat column, no size in the options); training: before a
    // model exists, when its frame counts and size are still options to change.
    private static FrameLayout Match(VectorDataViewType vector, string columnName, FrameLayout expected, bool training, bool sizeKnown)
    {
        int frameSize = expected.FrameSize;
        bool dimensionsAgree = vector.Dimensions.Length != 3
            || (vector.Dimensions[1] == expected.FrameHeight && vector.Dimensions[2] == expected.FrameWidth);
        int frames = vector.Size / frameSize;
        bool framesAgree = vector.Size % frameSize == 0
            && (frames == expected.InputFrames || (expected.FutureFrames > 0 && frames == expected.InputFrames + expected.FutureFrames));
        if (!dimensionsAgree || !framesAgree)
        {
            // Whole frames of a known size, in another number: say how the model and the clips can agree.
            var remedies = new List<string>();
            if (sizeKnown && dimensionsAgree && vector.Size % frameSize == 0)
            {
                if (training)
                {
                    remedies.Add($"to train on sequences of {frames} frames, set the model's {nameof(LstmAutoEncoderModelOptions.InputFrames)} " +
                        $"and {nameof(LstmAutoEncoderModelOptions.FutureFrames)} to add up to {frames}");
                }

                if (frames > expected.InputFrames)
                {
                    remedies.Add($"to use the first frames of each sequence, load {(frames > expected.InputFrames + expected.FutureFrames && expected.FutureFrames > 0 ? $"{expected.InputFrames + expected.FutureFrames} or " : "")}" +
                        $"{expected.InputFrames} of them (FrameFolderOptions.FrameCount, NpySequenceOptions.FrameCount, ISequenceCollection.TakeFrames)");
                }
            }
            if (training && !sizeKnown)
            {
                remedies.Add($"a flat column's frames are {expected.FrameHeight}x{expected.FrameWidth} unless " +
                    $"{nameof(LstmAutoEncoderOptions)}.{nameof(LstmAutoEncoderOptions.FrameHeight)} and {nameof(LstmAutoEncoderOptions.FrameWidth)} say otherwise " +
                    "(or give the column [T, H, W] dimensions, e.g. [VectorType(T, H, W)])");
            }

            string remedy = remedies.Count > 0 ? $" {char.ToUpperInvariant(remedies[0][0])}{string.Join("; ", remedies)[1..]}." : "";
            throw SchemaError(
                $"Column '{columnName}' has type {vector} ({vector.Size} floats); expected a vector shaped " +
                $"{expected.DescribeAccepted()}.{remedy}");
        }
        return expected with { StoredFrames = frames };
    }

    private static VectorDataViewType RequireFixedFloatVector(DataViewSchema schema, string columnName, FrameLayout expected)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(columnName)
            ?? throw Missing(columnName, expected, schema.Where(c => !c.IsHidden).Select(c => c.Name));
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
            throw WrongType(columnName, expected, column.Type.ToString() ?? column.Type.GetType().Name);
        if (!vector.IsKnownSize)
            throw UnknownSize(columnName, expected, vector.ToString());
        return vector;
    }

    private static ArgumentOutOfRangeException Missing(string columnName, FrameLayout expected, IEnumerable<string> available) =>
        SchemaError(
            $"Input column '{columnName}' not found; expected a vector of Single shaped {expected.DescribeAccepted()}. " +
            $"Columns present: {string.Join(", ", available.Select(n => $"'{n}'"))}.");

    private static ArgumentOutOfRangeException WrongType(string columnName, FrameLayout expected, string actual) =>
        SchemaError(
            $"Column '{columnName}' has type {actual}; expected a vector of Single (float32) shaped {expected.DescribeAccepted()}.");

    private static ArgumentOutOfRangeException UnknownSize(string columnName, FrameLayout expected, string actual) =>
        SchemaError(
            $"Column '{columnName}' has type {actual} of unknown size; expected a vector of Single shaped " +
            $"{expected.DescribeAccepted()} (declare the size, e.g. [VectorType(frames, height, width)]).");

    // ML.NET reports schema mismatches as ArgumentOutOfRangeException; the message carries everything.
    private static ArgumentOutOfRangeException SchemaError(string message) => new(message, innerException: null);
}
