using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace LstmAe.Data;

/// <summary>
/// Random access to the sequences of a 4-D .npy video array, such as the published Moving MNIST test set
/// <c>mnist_test_seq.npy</c> (uint8, (20, 10000, 64, 64), time-major), without reading the file whole.
/// </summary>
/// <remarks>
/// <para>Reads uint8 (scaled to [0, 1]) or float32 (as is), little- or big-endian, C or Fortran order, time-major or
/// batch-major. The file is memory-mapped, so a sequence costs only the pages it touches and the operating system,
/// not the managed heap, holds the cache.</para>
/// <para>A gzip file (recognised by its magic bytes) cannot be mapped or seeked: it is decompressed once, when
/// opened, to a temporary file that is deleted when this object is disposed. That needs free disk space of the
/// uncompressed size (about 800 MB for the published file). Exactly the size the header declares is decompressed:
/// a stream holding more or less is an <see cref="InvalidDataException"/> naming the file.</para>
/// <para>Thread-safe: any number of threads may read sequences concurrently.</para>
/// </remarks>
public sealed class NpySequenceFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly NpyHeader _header;
    private readonly int _firstSequence;
    private readonly long _sequenceStride, _timeStride, _rowStride, _columnStride;

    private NpySequenceFile(string path, FileStream data, string source, NpySequenceOptions options)
    {
        Path = path;
        Layout = options.Layout;
        _header = NpyHeader.Read(data, source);
        long[] shape = _header.Shape;
        if (shape.Length != 4)
        {
            throw new InvalidDataException(
                $"{source}, header at offset {_header.HeaderOffset}: shape {_header.ShapeText} has {shape.Length} dimensions; expected 4, {AxesText(Layout)}.");
        }

        long available = data.Length - _header.DataOffset;
        if (available < _header.DataLength)
        {
            throw new InvalidDataException(
                $"{source} is truncated: its header declares shape {_header.ShapeText} of {_header.TypeText}, " +
                $"{_header.DataLength} bytes from offset {_header.DataOffset}, but the file ends at offset {data.Length} ({available} bytes of data).");
        }

        (int timeAxis, int sequenceAxis) = Layout == NpySequenceLayout.TimeMajor ? (0, 1) : (1, 0);
        if (shape[timeAxis] * shape[2] * shape[3] > Array.MaxLength || shape[sequenceAxis] > int.MaxValue)
        {
            throw new InvalidDataException(
                $"{source}, header at offset {_header.HeaderOffset}: shape {_header.ShapeText} has sequences too long or too many to index.");
        }

        long[] strides = ElementStrides(shape, _header.FortranOrder);
        (_timeStride, _sequenceStride, _rowStride, _columnStride) = (strides[timeAxis], strides[sequenceAxis], strides[2], strides[3]);
        FrameCount = (int)shape[timeAxis];
        FrameHeight = (int)shape[2];
        FrameWidth = (int)shape[3];
        TotalSequenceCount = (int)shape[sequenceAxis];
        (_firstSequence, SequenceCount) = SelectSplit(options, TotalSequenceCount, source);

        _map = MemoryMappedFile.CreateFromFile(data, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
            HandleInheritability.None, leaveOpen: false);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
    }

    /// <summary>Opens an .npy file (or a gzip of one) and validates its header and length.</summary>
    /// <param name="path">The .npy or .npy.gz file.</param>
    /// <param name="options">Layout and split; defaults to time-major, all sequences.</param>
    /// <exception cref="InvalidDataException">The file is not an .npy file, has an unsupported type or rank, or is
    /// truncated; the message names the file, what was wrong and the offset.</exception>
    /// <exception cref="ArgumentException">The split does not fit the file.</exception>
    public static NpySequenceFile Open(string path, NpySequenceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new NpySequenceOptions();
        FileStream data = File.OpenRead(path);
        string source = $"'{path}'";
        try
        {
            if (GzipDetector.IsGzip(data))
            {
                data = DecompressToTemporaryFile(data, path);
                source = $"'{path}' (after gzip decompression)";
            }

            return new NpySequenceFile(path, data, source, options);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>The file this reads.</summary>
    public string Path { get; }

    /// <summary>Axis order of the array.</summary>
    public NpySequenceLayout Layout { get; }

    /// <summary>Element type stored in the file.</summary>
    public NpyElementType ElementType => _header.ElementType;

    /// <summary>Sequences in the selected split.</summary>
    public int SequenceCount { get; }

    /// <summary>Sequences in the whole file.</summary>
    public int TotalSequenceCount { get; }

    /// <summary>Frames per sequence.</summary>
    public int FrameCount { get; }

    /// <summary>Rows of one frame.</summary>
    public int FrameHeight { get; }

    /// <summary>Columns of one frame.</summary>
    public int FrameWidth { get; }

    /// <summary>Floats in one frame.</summary>
    public int FrameSize => FrameHeight * FrameWidth;

    /// <summary>Floats in one sequence: frames in time order, each row-major.</summary>
    public int SequenceLength => FrameCount * FrameSize;

    /// <summary>Reads sequence <paramref name="index"/> of the split as floats (uint8 scaled by 1/255).</summary>
    /// <param name="index">In [0, <see cref="SequenceCount"/>).</param>
    /// <param name="destination">Receives <see cref="SequenceLength"/> floats.</param>
    public void ReadSequence(int index, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_view.SafeMemoryMappedViewHandle.IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SequenceCount);
        if (destination.Length != SequenceLength)
        {
            throw new ArgumentException($"Expected {SequenceLength} floats, got {destination.Length}.", nameof(destination));
        }

        long sequenceStart = (_firstSequence + index) * _sequenceStride;
        bool framesContiguous = _columnStride == 1 && _rowStride == FrameWidth;
        byte[] raw = ArrayPool<byte>.Shared.Rent(FrameSize * _header.ElementSize);
        try
        {
            for (int t = 0; t < FrameCount; t++)
            {
                Span<byte> frameBytes = raw.AsSpan(0, FrameSize * _header.ElementSize);
                long frameStart = sequenceStart + t * _timeStride;
                if (framesContiguous)
                {
                    ReadElements(frameStart, frameBytes);
                }
                else
                {
                    GatherFrame(frameStart, frameBytes);
                }

                Decode(frameBytes, destination.Slice(t * FrameSize, FrameSize));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>Reads sequence <paramref name="index"/> of the split into a new array.</summary>
    public float[] ReadSequence(int index)
    {
        var sequence = new float[SequenceLength];
        ReadSequence(index, sequence);
        return sequence;
    }

    /// <summary>Unmaps the file (and deletes the temporary copy of a gzip file).</summary>
    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }

    private void ReadElements(long firstElement, Span<byte> destination) =>
        _view.SafeMemoryMappedViewHandle.ReadSpan((ulong)(_header.DataOffset + firstElement * _header.ElementSize), destination);

    // Fortran order scatters a frame across the file; copy it element by element.
    private void GatherFrame(long frameStart, Span<byte> destination)
    {
        int size = _header.ElementSize;
        for (int r = 0; r < FrameHeight; r++)
        {
            for (int c = 0; c < FrameWidth; c++)
            {
                int target = (r * FrameWidth + c) * size;
                ReadElements(frameStart + r * _rowStride + c * _columnStride, destination.Slice(target, size));
            }
        }
    }

    private void Decode(ReadOnlySpan<byte> raw, Span<float> destination)
    {
        if (_header.ElementType == NpyElementType.UnsignedByte)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = raw[i] / 255f;
            }
        }
        else if (_header.BigEndian == !BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
        }
        else
        {
            for (int i = 0; i < destination.Length; i++)
            {
                int bits = BinaryPrimitives.ReverseEndianness(MemoryMarshal.Read<int>(raw[(i * 4)..]));
                destination[i] = BitConverter.Int32BitsToSingle(bits);
            }
        }
    }

    private static long[] ElementStrides(long[] shape, bool fortranOrder)
    {
        var strides = new long[shape.Length];
        long stride = 1;
        for (int k = 0; k < shape.Length; k++)
        {
            int axis = fortranOrder ? k : shape.Length - 1 - k;
            strides[axis] = stride;
            stride *= shape[axis];
        }

        return strides;
    }

    private static (int First, int Count) SelectSplit(NpySequenceOptions options, int total, string source)
    {
        if (options.Split == DataSplit.All)
        {
            return (0, total);
        }

        if (options.TrainSequenceCount <= 0 || options.TrainSequenceCount >= total)
        {
            throw new ArgumentException(
                $"{nameof(NpySequenceOptions)}.{nameof(NpySequenceOptions.TrainSequenceCount)} is {options.TrainSequenceCount}, " +
                $"but {source} holds {total} sequences; a {options.Split} split needs a value between 1 and {total - 1}.",
                nameof(options));
        }

        return options.Split == DataSplit.Train
            ? (0, options.TrainSequenceCount)
            : (options.TrainSequenceCount, total - options.TrainSequenceCount);
    }

    private static string AxesText(NpySequenceLayout layout) => layout == NpySequenceLayout.TimeMajor
        ? "(frames, sequences, height, width) for a time-major file"
        : "(sequences, frames, height, width) for a batch-major file";

    /// <summary>
    /// Decompresses exactly the header and the data bytes the header declares to a temporary file: a gzip stream
    /// that holds more (a "gzip bomb" behind a small header) or less is refused, naming the file, after writing at
    /// most the declared size. The header is read in a first pass that decompresses only its own bytes.
    /// </summary>
    private static FileStream DecompressToTemporaryFile(FileStream compressed, string path)
    {
        string source = $"'{path}' (after gzip decompression)";
        string temporary = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lstmae-{Guid.NewGuid():N}.npy");
        FileStream? copy = null;
        try
        {
            using (compressed)
            {
                long declared;
                using (var gzip = new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true))
                {
                    NpyHeader header = NpyHeader.Read(gzip, source);
                    declared = header.DataOffset + header.DataLength;
                }

                compressed.Position = 0;
                copy = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
                    bufferSize: 1 << 16, FileOptions.DeleteOnClose);
                using (var gzip = new GZipStream(compressed, CompressionMode.Decompress))
                {
                    CopyExactly(gzip, copy, declared, path);
                    if (gzip.ReadByte() != -1)
                    {
                        throw new InvalidDataException(
                            $"'{path}' decompresses to more than the {declared} bytes its .npy header declares (header and data); " +
                            "it was not written by numpy as one array.");
                    }
                }
            }

            copy.Position = 0;
            return copy;
        }
        // This file's own checks name the path first; any other InvalidDataException comes from the gzip decoder.
        catch (InvalidDataException e) when (!e.Message.StartsWith($"'{path}'", StringComparison.Ordinal))
        {
            copy?.Dispose();
            throw new InvalidDataException($"'{path}' is not a valid gzip stream: {e.Message}", e);
        }
        catch
        {
            copy?.Dispose();
            throw;
        }
    }

    private static void CopyExactly(Stream source, Stream destination, long count, string path)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            for (long copied = 0; copied < count;)
            {
                int read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, count - copied));
                if (read == 0)
                {
                    throw new InvalidDataException(
                        $"'{path}' is truncated: its .npy header declares {count} bytes (header and data) but it decompresses to {copied}.");
                }

                destination.Write(buffer, 0, read);
                copied += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
