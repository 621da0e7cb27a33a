using System.Text.RegularExpressions;

namespace LstmAe.Visualization;

/// <summary>
/// The pictures of a set of sequences with what a model made of them, under one naming scheme: an animated GIF per
/// sequence (<see cref="AnimationFile"/>) and one contact sheet of them all (<see cref="ContactSheetFile"/>).
/// </summary>
public static partial class ComparisonPictures
{
    /// <summary>The contact sheet's file name.</summary>
    public const string ContactSheetFile = "contact-sheet.png";

    /// <summary>The animated GIF of sequence <paramref name="index"/>; three digits, so a listing sorts in order.</summary>
    /// <param name="index">The sequence's position in the set.</param>
    /// <returns>The file name.</returns>
    public static string AnimationFile(int index) => $"sequence-{index:D3}.gif";

    /// <summary>Whether <paramref name="name"/> is a GIF of this scheme, whatever its index or number of digits.</summary>
    /// <param name="name">A file name, without folder.</param>
    /// <returns>True for <c>sequence-7.gif</c>, <c>sequence-03.gif</c>, <c>sequence-012.gif</c>.</returns>
    public static bool IsAnimationFile(string name) => AnimationName().IsMatch(name);

    /// <summary>Writes a GIF per sequence and the contact sheet into <paramref name="folder"/>, replacing files of the same name.</summary>
    /// <param name="folder">An existing folder.</param>
    /// <param name="sequences">The sequences, at least one, all with the same frame size.</param>
    /// <param name="animation">The GIFs' layout and timing.</param>
    /// <param name="sheet">The contact sheet's layout.</param>
    /// <returns>The names of the files written, in order.</returns>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<SequenceComparison> sequences, RenderOptions animation, RenderOptions sheet)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(sequences);
        var written = new List<string>(sequences.Count + 1);
        for (int i = 0; i < sequences.Count; i++)
        {
            ComparisonAnimation.WriteGif(Path.Combine(folder, AnimationFile(i)), sequences[i], animation);
            written.Add(AnimationFile(i));
        }
        ContactSheet.WritePng(Path.Combine(folder, ContactSheetFile), sequences, sheet);
        written.Add(ContactSheetFile);
        return written;
    }

    [GeneratedRegex(@"^sequence-\d+\.gif$", RegexOptions.CultureInvariant)]
    private static partial Regex AnimationName();
}
