using System.Globalization;
using LstmAe.IO;
using Parquet;
using Parquet.Schema;

namespace LstmAe.Cli.Features;

/// <summary>Writes a <see cref="FeatureTable"/> as CSV or Parquet, chosen by the file extension.</summary>
internal static class FeatureTableWriter
{
    public const string SequenceColumn = "sequence", NameColumn = "name", LabelColumn = "label";

    /// <summary>Writes the table; an existing file is replaced only once the new one is complete.</summary>
    public static void Write(FeatureTable table, string path)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".csv":
                AtomicFile.Write(path, stream => WriteCsv(table, stream));
                break;
            case ".parquet":
                AtomicFile.Write(path, stream => WriteParquetAsync(table, stream).GetAwaiter().GetResult());
                break;
            default:
                throw new CliException($"'{path}' must end in .csv or .parquet to choose the format.", ExitCodes.Usage);
        }
    }

    /// <summary>A header row, then one row per sequence; invariant culture, round-trippable floats.</summary>
    private static void WriteCsv(FeatureTable table, Stream stream)
    {
        using var writer = new StreamWriter(stream);
        writer.Write(SequenceColumn);
        if (table.Names is not null)
        {
            writer.Write(',');
            writer.Write(NameColumn);
        }
        if (table.Labels is not null)
        {
            writer.Write(',');
            writer.Write(LabelColumn);
        }
        for (int column = 0; column < table.Width; column++)
        {
            writer.Write(',');
            writer.Write(FeatureTable.FeatureName(column));
        }
        writer.WriteLine();
        for (int row = 0; row < table.Rows; row++)
        {
            writer.Write(table.SequenceIndex[row].ToString(CultureInfo.InvariantCulture));
            if (table.Names is not null)
            {
                writer.Write(',');
                writer.Write(CsvField(table.Names[row]));
            }
            if (table.Labels is not null)
            {
                writer.Write(',');
                writer.Write(CsvField(table.Labels[row]));
            }
            foreach (float value in table.Row(row))
            {
                writer.Write(',');
                writer.Write(value.ToString("R", CultureInfo.InvariantCulture));
            }
            writer.WriteLine();
        }
    }

    /// <summary>A name as a CSV field: quoted (quotes doubled) when it holds a comma, quote or line break.</summary>
    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>One row group, one float column per feature (a wide table pandas and Spark read directly).</summary>
    private static async Task WriteParquetAsync(FeatureTable table, Stream stream)
    {
        var sequenceField = new DataField<int>(SequenceColumn);
        var nameField = new DataField<string>(NameColumn);
        var labelField = new DataField<string>(LabelColumn);
        var featureFields = Enumerable.Range(0, table.Width).Select(c => new DataField<float>(FeatureTable.FeatureName(c))).ToArray();
        var schema = new ParquetSchema([
            sequenceField,
            .. table.Names is null ? Array.Empty<Field>() : [nameField],
            .. table.Labels is null ? Array.Empty<Field>() : [labelField],
            .. featureFields]);

        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<int>(sequenceField, table.SequenceIndex);
        if (table.Names is not null)
        {
            await group.WriteAsync(nameField, table.Names.ToArray());
        }
        if (table.Labels is not null)
        {
            await group.WriteAsync(labelField, table.Labels);
        }
        var column = new float[table.Rows];
        for (int c = 0; c < table.Width; c++)
        {
            for (int row = 0; row < table.Rows; row++)
            {
                column[row] = table.Values[row * table.Width + c];
            }
            await group.WriteAsync<float>(featureFields[c], column);
        }
    }
}
