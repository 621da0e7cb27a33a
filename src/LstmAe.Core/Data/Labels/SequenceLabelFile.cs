using System.Globalization;
using System.IO.Compression;
using LstmAe.IO;

namespace LstmAe.Data;

/// <summary>
/// Reads a file of sequence labels, one per sequence in order. The format is recognised by content: an .npy array
/// of integers (int8 .. int64, uint8 .. uint64), an IDX label file (idx1-ubyte, raw or gzip, as MNIST ships), or
/// text with one label per line or a comma-separated column (see <see cref="SequenceLabelOptions.Column"/>).
/// Blank lines of a text file are skipped.
/// </summary>
public static class SequenceLabelFile
{
    private static readonly byte[] NpyMagic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The text of each byte value, shared by every label of an IDX file.</summary>
    private static readonly string[] ByteText = Enumerable.Range(0, 256).Select(b => b.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Words a header line names a label column by.</summary>
    private static readonly string[] HeaderWords = ["label", "labels", "class", "classes", "category", "target"];

    /// <summary>Reads the labels in <paramref name="path"/>.</summary>
    /// <param name="path">The labels file.</param>
    /// <param name="options">Column and classes; null for the defaults.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be read as labels; the message names it.</exception>
    public static SequenceLabels Read(string path, SequenceLabelOptions? options = null) => Read(path, options, checkCount: null);

    /// <summary>Reads the labels in <paramref name="path"/>, refusing their number as soon as it is known.</summary>
    /// <param name="path">The labels file.</param>
    /// <param name="options">Column and classes; null for the defaults.</param>
    /// <param name="checkCount">Called with the number of labels: for an npy or IDX file from its header, before
    /// the labels are read (a small gzip file can declare and hold hundreds of millions), for text once counted.</param>
    /// <param name="expectedCount">The count <paramref name="checkCount"/> accepts, if known: a text file's labels
    /// beyond it are counted but not kept, so a file of many lines costs time, not memory.</param>
    internal static SequenceLabels Read(string path, SequenceLabelOptions? options, Action<long>? checkCount, long expectedCount = long.MaxValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SequenceLabelOptions();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The labels file '{path}' does not exist.", path);
        }

        Span<byte> start = stackalloc byte[NpyMagic.Length];
        int read;
        using (FileStream stream = ReadableFile.OpenRead(path))
        {
            read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        }

        start = start[..read];
        string[] values;
        if (start.SequenceEqual(NpyMagic))
        {
            values = Text(NpyLabelReader.Read(path, checkCount));
        }
        else if (start is [0, 0, ..] and not [0, 0, 0xFE, 0xFF, ..] || (GzipDetector.IsGzip(path) && HoldsIdx(path)))
        {
            // Any IDX file (its first two bytes are zero; UTF-32 text with a big-endian byte order mark is text):
            // IdxReader names a type or rank other than idx1-ubyte.
            values = Array.ConvertAll(IdxReader.ReadLabels(path, checkCount), b => ByteText[b]);
        }
        else
        {
            List<string> kept = ReadText(path, options.Column, headerCheck: options.ClassNames is null, expectedCount, out long count);
            checkCount?.Invoke(count);
            if (count > kept.Count)
                throw new InvalidDataException($"'{path}' holds {count} labels; expected at most {expectedCount}.");
            values = kept.ToArray();
        }

        return SequenceLabels.FromValues(values, options.ClassNames, path);
    }

    /// <summary>True when the gzip file <paramref name="path"/> starts, decompressed, as an IDX file does; false, with
    /// an exception, for anything else: only IDX label files are read compressed (as MNIST ships them).</summary>
    /// <exception cref="InvalidDataException">The decompressed file is not an IDX file, or the gzip stream is damaged.</exception>
    private static bool HoldsIdx(string path)
    {
        Span<byte> start = stackalloc byte[4];
        int read;
        try
        {
            using FileStream file = ReadableFile.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            read = gzip.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e) when (GzipDetector.IsDecoderError(e))
        {
            throw GzipDetector.Damaged(path, e);
        }

        if (start[..read] is [0, 0, ..]) return true;
        throw new InvalidDataException(
            $"'{path}' is gzip-compressed but holds no IDX label file (it starts with {Convert.ToHexString(start[..read])}); only IDX " +
            "label files are read compressed. Decompress an .npy or text labels file first.");
    }

    private static string[] Text(long[] values) => values.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The labels of a text file, the first <paramref name="keepAtMost"/> of them kept, all counted.</summary>
    private static List<string> ReadText(string path, string? column, bool headerCheck, long keepAtMost, out long count)
    {
        var values = new List<string>();
        count = 0;
        int field = -1, lineNumber = 0, firstValueLine = 0;
        foreach ((string line, int number) in LabelTextLines.Read(path))
        {
            lineNumber = number;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = CsvLine.Split(line, path, lineNumber);
            if (column is not null && field < 0)
            {
                field = Array.FindIndex(fields, f => string.Equals(f, column, StringComparison.OrdinalIgnoreCase));
                if (field < 0)
                {
                    throw new InvalidDataException(
                        $"'{path}', line {lineNumber}: the header ({string.Join(", ", fields)}) has no column '{column}'.");
                }

                int again = Array.FindIndex(fields, field + 1, f => string.Equals(f, column, StringComparison.OrdinalIgnoreCase));
                if (again >= 0)
                {
                    throw new InvalidDataException(
                        $"'{path}', line {lineNumber}: the header names column '{column}' twice (fields {field + 1} and {again + 1}).");
                }

                continue;
            }

            int at = column is null ? fields.Length - 1 : field;
            if (at >= fields.Length || fields[at].Length == 0)
            {
                throw new InvalidDataException(
                    $"'{path}', line {lineNumber}: no label in column {(column is null ? "(last)" : $"'{column}'")}, found '{line}'.");
            }

            if (count == 0)
            {
                firstValueLine = lineNumber;
            }

            if (count++ < keepAtMost)
            {
                values.Add(fields[at]);
            }
        }

        if (column is null && headerCheck)
        {
            RefuseUnnamedHeader(values, path, firstValueLine);
        }

        return values;
    }

    /// <summary>
    /// Refuses a file read without <see cref="SequenceLabelOptions.Column"/> whose first label looks like a header:
    /// one word in a column of numbers, or a label-column name that occurs nowhere else. Read as a label it would
    /// become a class and shift every label by one sequence, which the count check catches only when no other line is
    /// missing.
    /// </summary>
    private static void RefuseUnnamedHeader(List<string> values, string path, int line)
    {
        if (values.Count < 2)
        {
            return;
        }

        string first = values[0];
        string? reason = !IsInteger(first) && values.Skip(1).All(IsInteger)
            ? "every other label is a number"
            : HeaderWords.Contains(first, StringComparer.OrdinalIgnoreCase)
                && values.Skip(1).All(v => !string.Equals(v, first, StringComparison.OrdinalIgnoreCase))
                ? "a column name that no other line repeats"
                : null;
        if (reason is not null)
        {
            throw new InvalidDataException(
                $"'{path}', line {line}: the first label '{first}' looks like a header ({reason}). Name the label column with " +
                $"{nameof(SequenceLabelOptions)}.{nameof(SequenceLabelOptions.Column)} (the command line's --label-column), remove the line, " +
                $"or, if it is a class, list the classes in {nameof(SequenceLabelOptions)}.{nameof(SequenceLabelOptions.ClassNames)}.");
        }
    }

    private static bool IsInteger(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
}
