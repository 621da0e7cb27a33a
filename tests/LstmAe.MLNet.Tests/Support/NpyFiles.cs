using System.Text;

namespace LstmAe.MLNet.Tests.Support;

/// <summary>.npy files written as numpy writes them (format 1.0, header padded to a multiple of 64 bytes).</summary>
internal static class NpyFiles
{
    /// <summary>A time-major uint8 array (frames, sequences, height, width) where sequence n is a bright square
    /// whose position and brightness depend on n's class (<paramref name="classOf"/>), moving one pixel a frame.</summary>
    public static byte[] Sequences(int sequences, int frames, int height, int width, Func<int, int> classOf)
    {
        var data = new byte[frames * sequences * height * width];
        for (int t = 0; t < frames; t++)
        {
            for (int n = 0; n < sequences; n++)
            {
                int c = classOf(n);
                byte value = (byte)(120 + 60 * c + n % 5);
                int x = (c * 2 + t) % (width - 1), y = (c + n) % (height - 1);
                int frame = (t * sequences + n) * height * width;
                for (int dy = 0; dy < 2; dy++)
                {
                    for (int dx = 0; dx < 2; dx++)
                        data[frame + (y + dy) * width + x + dx] = value;
                }
            }
        }

        return Npy("|u1", $"({frames}, {sequences}, {height}, {width})", data);
    }

    /// <summary>A 1-D integer array of <paramref name="descr"/> (e.g. '&lt;i8', '&gt;u2', '|i1').</summary>
    public static byte[] Labels(string descr, IReadOnlyList<long> values)
    {
        int size = descr[^1] - '0';
        bool bigEndian = descr[0] == '>';
        var data = new byte[values.Count * size];
        for (int i = 0; i < values.Count; i++)
        {
            for (int b = 0; b < size; b++)
            {
                int shift = 8 * (bigEndian ? size - 1 - b : b);
                data[i * size + b] = (byte)((ulong)values[i] >> shift);
            }
        }

        return Npy(descr, $"({values.Count},)", data);
    }

    /// <summary>An idx1-ubyte label file, as MNIST ships its labels.</summary>
    public static byte[] IdxLabels(IReadOnlyList<byte> labels) =>
        [0, 0, 8, 1, (byte)(labels.Count >> 24), (byte)(labels.Count >> 16), (byte)(labels.Count >> 8), (byte)labels.Count, .. labels];

    private static byte[] Npy(string descr, string shape, byte[] data)
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int total = (10 + header.Length + 1 + 63) / 64 * 64;
        header = header.PadRight(total - 10 - 1) + "\n";
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)];
        return [.. prefix, .. Encoding.ASCII.GetBytes(header), .. data];
    }
}
