using System.Text;

namespace LstmAe.Data;

/// <summary>Splits one line of a CSV file (RFC 4180 within a line): comma-separated fields, trimmed; a field in
/// double quotes may hold commas, and a doubled quote inside it stands for one quote. Fields cannot span lines.</summary>
public static class CsvLine
{
    /// <summary>The fields of <paramref name="line"/>.</summary>
    /// <exception cref="InvalidDataException">A quoted field is not closed, or text follows its closing quote.</exception>
    public static string[] Split(string line) => Split(line, source: null, lineNumber: 0);

    /// <summary>The fields of <paramref name="line"/>; errors name <paramref name="source"/> and the line number.</summary>
    /// <exception cref="InvalidDataException">A quoted field is not closed, or text follows its closing quote.</exception>
    public static string[] Split(string line, string? source, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                i = ReadQuoted(line, i + 1, field, source, lineNumber);
                while (i < line.Length && line[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw Error(source, lineNumber, $"text after the closing quote of field {fields.Count + 1}", line);
                }

                fields.Add(field.ToString());
            }
            else
            {
                int comma = line.IndexOf(',', i);
                int end = comma < 0 ? line.Length : comma;
                fields.Add(line[i..end].Trim());
                i = end;
            }

            field.Clear();
            if (i >= line.Length)
            {
                return fields.ToArray();
            }

            i++; // the comma
        }
    }

    /// <summary>Reads a quoted field's text from just after its opening quote; returns the index after the closing one.</summary>
    private static int ReadQuoted(string line, int i, StringBuilder field, string? source, int lineNumber)
    {
        while (i < line.Length)
        {
            if (line[i] != '"')
            {
                field.Append(line[i++]);
            }
            else if (i + 1 < line.Length && line[i + 1] == '"')
            {
                field.Append('"');
                i += 2;
            }
            else
            {
                return i + 1;
            }
        }

        throw Error(source, lineNumber, "a quoted field is not closed", line);
    }

    private static InvalidDataException Error(string? source, int lineNumber, string what, string line) =>
        new(source is null ? $"CSV line '{line}': {what}." : $"'{source}', line {lineNumber}: {what}, in '{line}'.");
}
