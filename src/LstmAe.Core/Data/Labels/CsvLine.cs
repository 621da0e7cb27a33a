namespace LstmAe.Data;

/// <summary>Splits one line of a simple CSV file: comma-separated fields, trimmed, with surrounding double quotes
/// removed (quoted fields may not contain commas).</summary>
public static class CsvLine
{
    /// <summary>The fields of <paramref name="line"/>.</summary>
    public static string[] Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        string[] fields = line.Split(',', StringSplitOptions.TrimEntries);
        for (int i = 0; i < fields.Length; i++)
        {
            if (fields[i].Length >= 2 && fields[i][0] == '"' && fields[i][^1] == '"')
            {
                fields[i] = fields[i][1..^1].Trim();
            }
        }

        return fields;
    }
}
