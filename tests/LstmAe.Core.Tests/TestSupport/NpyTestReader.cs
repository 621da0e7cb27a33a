using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// Just enough of the .npy format to read the test fixtures: float32, little-endian, C order. The product's npy
/// reader belongs to the data workstream; this one keeps the model tests independent of it.
/// </summary>
internal static partial class NpyTestReader
{
    public static (float[] Values, int[] Shape) ReadFloat32(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || !bytes.AsSpan(1, 5).SequenceEqual("NUMPY"u8))
            throw new InvalidDataException($"{path} is not an npy file.");
        int major = bytes[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        int headerStart = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        if (!header.Contains("'descr': '<f4'", StringComparison.Ordinal) || !header.Contains("'fortran_order': False", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: only little-endian float32 in C order is supported; header {header}");
        int[] shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        int count = shape.Aggregate(1, (a, b) => a * b);
        var values = new float[count];
        Buffer.BlockCopy(bytes, headerStart + headerLength, values, 0, count * sizeof(float));
        return (values, shape);
    }

    [GeneratedRegex(@"'shape': \(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
