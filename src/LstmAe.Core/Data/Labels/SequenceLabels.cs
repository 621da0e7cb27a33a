namespace LstmAe.Data;

/// <summary>
/// One class label per sequence: an index into <see cref="ClassNames"/> for each, and where they were read from.
/// </summary>
public sealed class SequenceLabels
{
    private readonly int[] _classes;

    /// <param name="classes">Class index of each sequence, each in [0, <paramref name="classNames"/>.Count).</param>
    /// <param name="classNames">Names of the classes.</param>
    /// <param name="source">Where the labels come from, for messages.</param>
    /// <exception cref="ArgumentException">A class index is out of range.</exception>
    public SequenceLabels(int[] classes, IReadOnlyList<string> classNames, string source)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(source);
        for (int i = 0; i < classes.Length; i++)
        {
            if ((uint)classes[i] >= (uint)classNames.Count)
            {
                throw new ArgumentException(
                    $"Label {i} of {source} is class {classes[i]}; expected a class in [0, {classNames.Count}).", nameof(classes));
            }
        }

        _classes = classes;
        ClassNames = classNames;
        Source = source;
    }

    /// <summary>
    /// Labels given as text, one per sequence. Without <paramref name="classNames"/>: if every value is a
    /// non-negative integer the classes are "0" .. the largest value (so files of one data set agree even when one
    /// lacks a class), else the distinct values in ordinal order. Integers with a negative one among them are refused:
    /// ordered as text, their class numbers would depend on which values a file happens to hold.
    /// </summary>
    /// <param name="values">The label of each sequence.</param>
    /// <param name="classNames">The classes in key order, or null to derive them from the values.</param>
    /// <param name="source">Where the labels come from, for messages.</param>
    /// <exception cref="InvalidDataException">A value is not one of <paramref name="classNames"/>, or, without them,
    /// every value is an integer and one is negative or above 1,000,000 (not a class number).</exception>
    public static SequenceLabels FromValues(IReadOnlyList<string> values, IReadOnlyList<string>? classNames, string source)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(source);
        classNames ??= DeriveClasses(values, source);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classNames.Count; c++)
        {
            index.TryAdd(classNames[c], c);
        }

        var classes = new int[values.Count];
        for (int i = 0; i < classes.Length; i++)
        {
            classes[i] = index.TryGetValue(values[i], out int c) ? c : throw new InvalidDataException(
                $"Label {i} of '{source}' is '{values[i]}', which is not one of the classes ({string.Join(", ", classNames.Take(20))}{(classNames.Count > 20 ? ", ..." : "")}).");
        }

        return new SequenceLabels(classes, classNames, source);
    }

    private const int MaxIntegerClass = 1_000_000;

    private static string[] DeriveClasses(IReadOnlyList<string> values, string source)
    {
        long max = -1;
        int firstNegative = -1;
        for (int i = 0; i < values.Count; i++)
        {
            string value = values[i];
            if (!long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long number)
                || value != number.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            }

            if (number < 0 && firstNegative < 0) firstNegative = i;
            max = Math.Max(max, number);
        }

        if (firstNegative >= 0)
        {
            throw new InvalidDataException(
                $"Label {firstNegative} of '{source}' is {values[firstNegative]}; integer labels are class numbers from 0 to " +
                $"{MaxIntegerClass}. Give the classes explicitly (ClassNames, e.g. \"-1\", \"1\") for other values.");
        }

        if (max > MaxIntegerClass)
        {
            throw new InvalidDataException(
                $"'{source}' has the integer label {max}; integer labels are class numbers from 0 to {MaxIntegerClass}. " +
                "Give the classes explicitly (ClassNames) for other values.");
        }

        return Enumerable.Range(0, (int)max + 1).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Names of the classes, in class-index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the labels come from (usually the file's path).</summary>
    public string Source { get; }

    /// <summary>Number of labels.</summary>
    public int Count => _classes.Length;

    /// <summary>The class index of sequence <paramref name="index"/>.</summary>
    public int this[int index] => _classes[index];

    /// <summary>Labels [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>), same classes.</summary>
    public SequenceLabels Slice(int first, int count) =>
        first == 0 && count == Count ? this : new SequenceLabels(_classes.AsSpan(first, count).ToArray(), ClassNames, Source);

    /// <summary>Checks there is one label per sequence.</summary>
    /// <param name="sequenceCount">Sequences in the data.</param>
    /// <param name="dataSource">Names the data (e.g. its path) in the message.</param>
    /// <exception cref="InvalidDataException">The counts differ; the message names both sources.</exception>
    public void RequireCount(int sequenceCount, string dataSource) => RequireCount(Count, Source, sequenceCount, dataSource);

    /// <summary>Checks <paramref name="labelCount"/> labels of <paramref name="labelsSource"/> fit
    /// <paramref name="sequenceCount"/> sequences (see <see cref="RequireCount(int, string)"/>).</summary>
    internal static void RequireCount(long labelCount, string labelsSource, int sequenceCount, string dataSource)
    {
        if (labelCount != sequenceCount)
        {
            throw new InvalidDataException(
                $"'{labelsSource}' holds {labelCount} labels but '{dataSource}' holds {sequenceCount} sequences; expected one label per sequence.");
        }
    }
}
