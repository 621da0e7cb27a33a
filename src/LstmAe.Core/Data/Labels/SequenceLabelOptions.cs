namespace LstmAe.Data;

/// <summary>How to read a file of sequence labels (see <see cref="SequenceLabelFile"/>).</summary>
public sealed record SequenceLabelOptions
{
    /// <summary>For a text/CSV file: the name of the label column, read from the file's first line (a header).
    /// Null: no header, and the label is the last comma-separated field of each line (the only one in a file of
    /// one label per line); a first label that looks like a header (a word above integers, or a name such as "label"
    /// or "class" that no other line repeats) is refused rather than read as a class, unless
    /// <see cref="ClassNames"/> is set.</summary>
    public string? Column { get; init; }

    /// <summary>The classes, in key order. Null: integer labels give classes "0" .. "max" (so files of one data set
    /// agree even when a class is missing from one), other text labels their distinct values in ordinal order.
    /// Set it when training and test files must share classes a file may lack; a label not in it is an error.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
