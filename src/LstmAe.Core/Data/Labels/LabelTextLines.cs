using System.Text;
using LstmAe.IO;

namespace LstmAe.Data;

/// <summary>
/// The lines of a text file of labels (a list or a CSV), read strictly: UTF-8, or the UTF-16 or UTF-32 its byte order
/// mark names; at most <see cref="MaxLineLength"/> characters a line; no NUL or other control character but tab. A
/// file that breaks these is refused with its name and the line, rather than giving labels nobody wrote (UTF-16 without
/// a byte order mark read as UTF-8 puts a NUL between letters; Latin-1 turns letters into replacement characters) or
/// reading a line of a gigabyte into memory. Lines end at CR, LF or CRLF, as <see cref="File.ReadLines(string)"/> has them.
/// </summary>
internal static class LabelTextLines
{
    /// <summary>The longest line read, in characters: far beyond a label or a row of a labels CSV.</summary>
    public const int MaxLineLength = 1 << 16;

    /// <summary>Each line of <paramref name="path"/> with its number (from 1), without its line break.</summary>
    /// <exception cref="InvalidDataException">The file is not valid text in its encoding, holds a control character, or
    /// has a line over <see cref="MaxLineLength"/> characters; or it is a FIFO, socket or device. The message names the
    /// file and the line.</exception>
    public static IEnumerable<(string Text, int Number)> Read(string path)
    {
        using FileStream file = ReadableFile.OpenRead(path);
        using var reader = new StreamReader(file, StrictEncoding(file), detectEncodingFromByteOrderMarks: false);
        var line = new StringBuilder();
        var buffer = new char[8192];
        int number = 1;
        bool afterCarriageReturn = false;
        while (true)
        {
            int read = ReadChunk(reader, buffer, path, number);
            if (read == 0) break;
            for (int i = 0; i < read; i++)
            {
                char c = buffer[i];
                if (c is '\r' or '\n')
                {
                    bool secondHalfOfCrLf = c == '\n' && afterCarriageReturn;
                    afterCarriageReturn = c == '\r';
                    if (secondHalfOfCrLf) continue;
                    yield return (line.ToString(), number++);
                    line.Clear();
                    continue;
                }

                afterCarriageReturn = false;
                if (char.IsControl(c) && c != '\t') throw ControlCharacter(path, number, line.Length + 1, c);
                if (line.Length == MaxLineLength)
                {
                    throw new InvalidDataException(
                        $"'{path}', line {number}: longer than {MaxLineLength} characters; a labels file holds a short line per sequence.");
                }
                line.Append(c);
            }
        }

        if (line.Length > 0) yield return (line.ToString(), number);
    }

    /// <summary>The encoding the byte order mark at the start of <paramref name="file"/> names (UTF-8 without one),
    /// throwing on invalid bytes; the stream is left after the mark. StreamReader's own detection would switch to an
    /// encoding that replaces invalid bytes silently.</summary>
    private static Encoding StrictEncoding(FileStream file)
    {
        Span<byte> start = stackalloc byte[4];
        int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        (Encoding encoding, int mark) = start[..read] switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (new UTF8Encoding(false, throwOnInvalidBytes: true), 3),
            [0xFF, 0xFE, 0, 0] => (new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true), 4),
            [0, 0, 0xFE, 0xFF] => (new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true), 4),
            [0xFF, 0xFE, ..] => (new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true), 2),
            [0xFE, 0xFF, ..] => (new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true), 2),
            _ => ((Encoding)new UTF8Encoding(false, throwOnInvalidBytes: true), 0),
        };
        file.Position = mark;
        return encoding;
    }

    private static int ReadChunk(StreamReader reader, char[] buffer, string path, int line)
    {
        try
        {
            return reader.Read(buffer, 0, buffer.Length);
        }
        catch (DecoderFallbackException e)
        {
            // Decoded ahead in chunks: the bad bytes are in this line or a later one.
            throw new InvalidDataException(
                $"'{path}', line {line} or after: not valid {reader.CurrentEncoding.EncodingName} text; save the file as UTF-8 " +
                "(a Latin-1 or Windows-1252 file with accented letters fails so).", e);
        }
    }

    private static InvalidDataException ControlCharacter(string path, int line, int column, char c) => new(c == '\0'
        ? $"'{path}', line {line}, character {column}: a NUL character. The file looks like UTF-16 or UTF-32 without a byte order " +
          "mark, or is not text; save it as UTF-8."
        : $"'{path}', line {line}, character {column}: the control character U+{(int)c:X4}; a labels file holds text labels only.");
}
