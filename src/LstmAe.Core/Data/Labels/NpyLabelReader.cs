using System.Buffers.Binary;
using LstmAe.IO;

namespace LstmAe.Data;

/// <summary>Reads a 1-D .npy array of integers (int8 .. int64, uint8 .. uint64, either byte order), such as
/// <c>np.save("labels.npy", labels)</c> writes; an (N, 1) or (1, N) array is read as N values.</summary>
internal static class NpyLabelReader
{
    /// <summary>The values of the array at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="checkCount">Called with the number of labels the header declares, before they are read.</param>
    /// <exception cref="InvalidDataException">Not an integer array of one dimension, a value above long.MaxValue,
    /// or a truncated file; the message names the file.</exception>
    public static long[] Read(string path, Action<long>? checkCount = null)
    {
        using FileStream stream = ReadableFile.OpenRead(path);
        string source = $"'{path}'";
        (string descr, bool _, long[] shape, int headerOffset, long dataOffset) = NpyHeader.ReadFields(stream, source);
        string where = $"{source}, header at offset {headerOffset}";
        (int size, bool signed, bool bigEndian) = ParseDescr(descr, where);
        long count = shape.Length switch
        {
            1 => shape[0],
            2 when shape[0] == 1 || shape[1] == 1 => shape[0] * shape[1],
            _ => throw new InvalidDataException(
                $"{where}: shape ({string.Join(", ", shape)}) is not a list of labels; expected one dimension (N,)."),
        };
        checkCount?.Invoke(count);
        if (count > Array.MaxLength / size)
        {
            throw new InvalidDataException($"{where}: {count} labels do not fit in memory.");
        }

        // The file must hold what the header declares before anything that size is allocated.
        long needed = checked(count * size);
        long available = Math.Max(0, stream.Length - dataOffset);
        if (available < needed)
        {
            throw new InvalidDataException(
                $"{source} is truncated: its header declares {count} labels of {size} bytes from offset {dataOffset}, but only {available} bytes follow.");
        }

        var bytes = new byte[needed];
        stream.Position = dataOffset;
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
        {
            throw new InvalidDataException(
                $"{source} is truncated: its header declares {count} labels of {size} bytes from offset {dataOffset}, but only {read} bytes follow.");
        }

        var values = new long[count];
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> b = bytes.AsSpan(i * size, size);
            values[i] = (size, signed) switch
            {
                (1, true) => (sbyte)b[0],
                (1, false) => b[0],
                (2, true) => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
                (2, false) => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
                (4, true) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
                (4, false) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
                (8, true) => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
                _ => Unsigned64(bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b), i, source),
            };
        }

        return values;
    }

    private static long Unsigned64(ulong value, int index, string source) => value <= long.MaxValue
        ? (long)value
        : throw new InvalidDataException($"Label {index} of {source} is {value}, above the largest supported label {long.MaxValue}.");

    private static (int Size, bool Signed, bool BigEndian) ParseDescr(string descr, string where)
    {
        if (descr.Length >= 2 && descr[^2] is 'i' or 'u' && descr[^1] is '1' or '2' or '4' or '8'
            && (descr.Length == 2 || (descr.Length == 3 && descr[0] is '<' or '>' or '|' or '=')))
        {
            bool bigEndian = descr[0] == '>' || (descr[0] == '=' && !BitConverter.IsLittleEndian);
            return (descr[^1] - '0', descr[^2] == 'i', bigEndian);
        }

        throw new InvalidDataException(
            $"{where}: element type '{descr}' is not an integer type; labels must be int8 .. int64 or uint8 .. uint64 (e.g. '<i8', '|u1').");
    }
}
