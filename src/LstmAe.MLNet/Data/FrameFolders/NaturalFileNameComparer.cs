namespace LstmAe.MLNet.Data;

/// <summary>
/// Orders file names the way people number frames: runs of digits compare by numeric value, so "frame2.png" comes
/// before "frame10.png"; everything else compares ordinally, ignoring case, with a plain ordinal comparison to
/// break ties (such as "f01" and "f1").
/// </summary>
internal sealed class NaturalFileNameComparer : IComparer<string>
{
    public static NaturalFileNameComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            int order = char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j])
                ? CompareNumbers(x, ref i, y, ref j)
                : char.ToUpperInvariant(x[i++]).CompareTo(char.ToUpperInvariant(y[j++]));
            if (order != 0)
            {
                return order;
            }
        }

        int byLength = (x.Length - i).CompareTo(y.Length - j);
        return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
    }

    // Compares the digit runs starting at i and j by value (any length: no overflow) and moves past them.
    private static int CompareNumbers(string x, ref int i, string y, ref int j)
    {
        ReadOnlySpan<char> a = TakeDigits(x, ref i).TrimStart('0');
        ReadOnlySpan<char> b = TakeDigits(y, ref j).TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
    }

    private static ReadOnlySpan<char> TakeDigits(string s, ref int index)
    {
        int start = index;
        while (index < s.Length && char.IsAsciiDigit(s[index]))
        {
            index++;
        }

        return s.AsSpan(start, index - start);
    }
}
