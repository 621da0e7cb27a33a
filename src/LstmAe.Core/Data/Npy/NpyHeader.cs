using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LstmAe.Data;

/// <summary>
/// The header of an .npy file (NumPy format versions 1.0, 2.0 and 3.0): magic, version, header length, then a Python dict
/// literal such as <c>{'descr': '|u1', 'fortran_order': False, 'shape': (20, 10000, 64, 64), }</c>.
/// </summary>
/// <param name="ElementType">Type of the array elements.</param>
/// <param name="BigEndian">Whether multi-byte elements are stored big-endian.</param>
/// <param name="FortranOrder">Whether the first axis varies fastest (column-major) instead of the last.</param>
/// <param name="Shape">Size of each axis.</param>
/// <param name="HeaderOffset">Byte offset of the dict literal.</param>
/// <param name="DataOffset">Byte offset of the first element.</param>
internal sealed record NpyHeader(NpyElementType ElementType, bool BigEndian, bool FortranOrder, long[] Shape, int HeaderOffset, long DataOffset)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int VersionOffset = 6;
    private const int HeaderLengthOffset = 8;

    /// <summary>Bytes per element.</summary>
    public int ElementSize => ElementType == NpyElementType.UnsignedByte ? 1 : 4;

    /// <summary>The element type in numpy's words, for messages.</summary>
    public string TypeText => ElementType == NpyElementType.UnsignedByte ? "uint8" : "float32";

    /// <summary>Bytes of data the header declares (validated not to overflow when the header is read).</summary>
    public long DataLength => Shape.Aggregate((long)ElementSize, (product, size) => checked(product * size));

    /// <summary>The shape as numpy prints it, e.g. "(20, 10000, 64, 64)".</summary>
    public string ShapeText => $"({string.Join(", ", Shape)})";

    /// <summary>Reads and validates the header at the start of <paramref name="stream"/>.</summary>
    /// <param name="stream">Positioned at offset 0 of the file.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="InvalidDataException">Wrong magic, unknown version, or a header that cannot be understood.</exception>
    public static NpyHeader Read(Stream stream, string source)
    {
        (string descr, bool fortran, long[] shape, int headerOffset, long dataOffset) = ReadFields(stream, source);
        string where = $"{source}, header at offset {headerOffset}";
        (NpyElementType type, bool bigEndian) = ParseDescr(descr, where);
        var header = new NpyHeader(type, bigEndian, fortran, shape, headerOffset, dataOffset);
        try
        {
            _ = header.DataLength;
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{where}: shape {header.ShapeText} is too large to address.");
        }

        return header;
    }

    /// <summary>Reads the header's fields without judging the element type (<c>descr</c> as written, e.g. '&lt;i8').</summary>
    /// <param name="stream">Positioned at offset 0 of the file.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="InvalidDataException">Wrong magic, unknown version, or a header that cannot be understood.</exception>
    public static (string Descr, bool FortranOrder, long[] Shape, int HeaderOffset, long DataOffset) ReadFields(Stream stream, string source)
    {
        Span<byte> prefix = stackalloc byte[HeaderLengthOffset + 4];
        int read = stream.ReadAtLeast(prefix[..HeaderLengthOffset], HeaderLengthOffset, throwOnEndOfStream: false);
        if (read < Magic.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException(
                $"{source} is not an .npy file: expected the magic bytes \\x93NUMPY at offset 0, found {Describe(prefix[..Math.Min(read, Magic.Length)])}.");
        }

        if (read < HeaderLengthOffset)
        {
            throw new InvalidDataException($"{source} is truncated: it ends at offset {read}, inside the format version.");
        }

        byte major = prefix[VersionOffset];
        int lengthSize = (major, prefix[VersionOffset + 1]) switch
        {
            (1, 0) => 2,
            (2 or 3, 0) => 4,
            _ => throw new InvalidDataException(
                $"{source} has .npy format version {major}.{prefix[VersionOffset + 1]} (offset {VersionOffset}); numpy writes versions 1.0, 2.0 and 3.0."),
        };
        Span<byte> lengthBytes = prefix.Slice(HeaderLengthOffset, lengthSize);
        if (stream.ReadAtLeast(lengthBytes, lengthSize, throwOnEndOfStream: false) < lengthSize)
        {
            throw new InvalidDataException($"{source} is truncated: the header length at offset {HeaderLengthOffset} is missing.");
        }

        long headerLength = lengthSize == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        int headerOffset = HeaderLengthOffset + lengthSize;
        if (headerLength > 1 << 20)
        {
            throw new InvalidDataException($"{source} declares a {headerLength}-byte header at offset {HeaderLengthOffset}, which is not plausible.");
        }

        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length)
        {
            throw new InvalidDataException(
                $"{source} is truncated: the {headerLength}-byte header starting at offset {headerOffset} is incomplete.");
        }

        Encoding encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string text = encoding.GetString(headerBytes).TrimEnd(PythonSpace);
        string where = $"{source}, header at offset {headerOffset}";
        Dictionary<string, (ValueKind Kind, string Text)> entries = ParseDict(text, where);
        string descr = Entry(entries, "descr", ValueKind.String, text, where);
        string fortranText = Entry(entries, "fortran_order", ValueKind.Name, text, where);
        if (fortranText is not ("True" or "False"))
        {
            throw new InvalidDataException($"{where}: no valid 'fortran_order' entry in {text}");
        }

        long[] shape = ParseShape(Entry(entries, "shape", ValueKind.Tuple, text, where), allowLongSuffix: major < 3, where);
        return (descr, fortranText == "True", shape, headerOffset, headerOffset + headerLength);
    }

    /// <summary>The characters Python takes as space between tokens of a header (not every Unicode space).</summary>
    private static readonly char[] PythonSpace = [' ', '\t', '\f', '\r', '\n'];

    /// <summary>The keys numpy writes and its reader requires, no more and no fewer.</summary>
    private static readonly string[] Keys = ["descr", "fortran_order", "shape"];

    private enum ValueKind
    {
        String,
        Name,
        Tuple,
    }

    /// <summary>
    /// Parses the header's dict literal as numpy's reader takes it: string keys, each once, exactly
    /// <see cref="Keys"/>; values that are strings, names (True, False) or flat tuples. Anything else is refused
    /// rather than searched for a plausible part, so a header never reads differently here than in numpy.
    /// </summary>
    private static Dictionary<string, (ValueKind Kind, string Text)> ParseDict(string text, string where)
    {
        var entries = new Dictionary<string, (ValueKind, string)>(StringComparer.Ordinal);
        int at = 0;
        // Python's literal_eval, which numpy reads headers with, skips leading spaces and tabs.
        while (Peek() is ' ' or '\t')
        {
            at++;
        }

        Expect('{');
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
            {
                break;
            }

            string key = ReadString();
            SkipSpace();
            Expect(':');
            SkipSpace();
            (ValueKind, string) value = ReadValue();
            if (!Keys.Contains(key))
            {
                throw new InvalidDataException($"{where}: unexpected key '{key}' in {text}; an .npy header holds only 'descr', 'fortran_order' and 'shape'.");
            }

            if (!entries.TryAdd(key, value))
            {
                throw new InvalidDataException($"{where}: the key '{key}' appears twice in {text}.");
            }

            SkipSpace();
            if (Peek() == ',')
            {
                at++;
                continue;
            }

            if (Peek() != '}')
            {
                throw Invalid("',' or '}'");
            }
        }

        at++;
        SkipSpace();
        if (at != text.Length)
        {
            throw Invalid("the end of the header");
        }

        return entries;

        char Peek() => at < text.Length ? text[at] : '\0';

        void SkipSpace()
        {
            while (at < text.Length && PythonSpace.Contains(text[at]))
            {
                at++;
            }
        }

        void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Invalid($"'{c}'");
            }

            at++;
        }

        string ReadString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Invalid("a quoted key");
            }

            int end = text.IndexOfAny([quote, '\\'], at + 1);
            if (end < 0 || text[end] != quote)
            {
                throw Invalid("a string without escapes");
            }

            string value = text[(at + 1)..end];
            at = end + 1;
            return value;
        }

        (ValueKind, string) ReadValue()
        {
            char c = Peek();
            if (c is '\'' or '"')
            {
                return (ValueKind.String, ReadString());
            }

            if (c == '(')
            {
                int end = text.IndexOfAny(['(', ')'], at + 1);
                if (end < 0 || text[end] != ')')
                {
                    throw Invalid("a flat tuple");
                }

                string inner = text[(at + 1)..end];
                at = end + 1;
                return (ValueKind.Tuple, inner);
            }

            int start = at;
            while (at < text.Length && char.IsAsciiLetter(text[at]))
            {
                at++;
            }

            return at > start ? (ValueKind.Name, text[start..at]) : throw Invalid("a string, a tuple, True or False");
        }

        InvalidDataException Invalid(string expected) => new(
            $"{where}: expected {expected} at character {at} of the header {text}");
    }

    private static string Entry(Dictionary<string, (ValueKind Kind, string Text)> entries, string key, ValueKind kind, string header, string where) =>
        entries.TryGetValue(key, out var value) && value.Kind == kind
            ? value.Text
            : throw new InvalidDataException($"{where}: no valid '{key}' entry in {header}");

    private static (NpyElementType Type, bool BigEndian) ParseDescr(string descr, string where) => descr switch
    {
        "|u1" or "<u1" or ">u1" or "=u1" or "u1" or "|B" or "B" => (NpyElementType.UnsignedByte, false),
        "<f4" or "f4" or "<f" => (NpyElementType.SinglePrecision, false),
        ">f4" or ">f" => (NpyElementType.SinglePrecision, true),
        "=f4" => (NpyElementType.SinglePrecision, !BitConverter.IsLittleEndian),
        _ => throw new InvalidDataException(
            $"{where}: element type '{descr}' is not supported; expected uint8 ('|u1') or float32 ('<f4' or '>f4')."),
    };

    /// <summary>The sizes in a shape tuple's text: integers separated by commas, a trailing comma allowed (as in
    /// "(20,)"), each with an 'L' suffix where Python 2 wrote one (format versions 1 and 2, as numpy accepts).</summary>
    private static long[] ParseShape(string text, bool allowLongSuffix, string where)
    {
        string[] parts = text.Split(',').Select(part => part.Trim(PythonSpace)).ToArray();
        if (parts.Length > 1 && parts[^1].Length == 0)
        {
            parts = parts[..^1];
        }
        else if (parts is [""])
        {
            parts = [];
        }
        else if (parts.Length == 1)
        {
            // "(20)" is a number in parentheses, not a tuple: numpy refuses it.
            throw new InvalidDataException($"{where}: shape ({text}) is not a tuple; a single size is written ({text},).");
        }

        var shape = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string size = allowLongSuffix && parts[i].EndsWith('L') ? parts[i][..^1] : parts[i];
            // Python 3 refuses leading zeros ("03"), except in zero itself.
            bool leadingZero = size.Length > 1 && size[0] == '0' && size.AsSpan().ContainsAnyExcept('0');
            if (leadingZero || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]))
            {
                throw new InvalidDataException($"{where}: shape ({text}) has an invalid size '{parts[i]}'.");
            }
        }

        return shape;
    }

    private static string Describe(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? "an empty file" : string.Concat(bytes.ToArray().Select(b => $"\\x{b:X2}"));
}
