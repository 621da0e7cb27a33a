using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using LstmAe.IO;

namespace LstmAe.Data;

/// <summary>
/// Random access to the sequences of a 4-D .npy video array, such as the published Moving MNIST test set
/// <c>mnist_test_seq.npy</c> (uint8, (20, 10000, 64, 64), time-major), without reading the file whole.
/// </summary>
/// <remarks>
/// <para>Reads uint8 (scaled to [0, 1]) or float32 (as is), little- or big-endian, C or Fortran order, time-major or
/// batch-major. Sequences are read with positional reads (one per frame in C order), so a sequence costs only the
/// bytes it holds and the operating system's page cache, not the managed heap, holds the file. The file is not
/// memory-mapped: a mapped file cut short on disk by another program kills the reading process (SIGBUS), while a
/// short read is reported as an <see cref="IOException"/> naming the file.</para>
/// <para>A gzip file (recognised by its magic bytes) cannot be mapped or seeked: it is decompressed once, when
/// opened, to a temporary file that is deleted when this object is disposed. That needs free disk space of the
/// uncompressed size (about 800 MB for the published file). The header's shape and split are checked first, and a
/// declared size above <see cref="NpySequenceOptions.MaxDecompressedBytes"/> (an <see cref="InvalidDataException"/>)
/// or above the temporary drive's free space less 256 MiB (an <see cref="IOException"/>) is refused before anything is
/// written. Exactly the size the header declares is decompressed: a stream holding more or less is an
/// <see cref="InvalidDataException"/> naming the file.</para>
/// <para>Thread-safe: any number of threads may read sequences concurrently.</para>
/// </remarks>
public sealed class NpySequenceFile : ISequenceCollection
{
    /// <summary>The largest stretch of file read at once to gather a Fortran-order frame.</summary>
    private const int MaxGatherSpanBytes = 1 << 22;

    private readonly FileStream _data;
    private readonly string _source;
    private readonly NpyHeader _header;
    private readonly int _firstSequence;
    private readonly long _sequenceStride, _timeStride, _rowStride, _columnStride;
    private readonly SequenceLabels? _labels;
    private readonly int _fileFrameCount;

    private NpySequenceFile(string path, FileStream data, string source, NpySequenceOptions options)
    {
        Path = path;
        Layout = options.Layout;
        _source = source;
        _header = NpyHeader.Read(data, source);
        long[] shape = _header.Shape;
        CheckShape(_header, Layout, source);
        long available = data.Length - _header.DataOffset;
        if (available < _header.DataLength)
        {
            throw new InvalidDataException(
                $"{source} is truncated: its header declares shape {_header.ShapeText} of {_header.TypeText}, " +
                $"{_header.DataLength} bytes from offset {_header.DataOffset}, but the file ends at offset {data.Length} ({available} bytes of data).");
        }

        (int timeAxis, int sequenceAxis) = Layout == NpySequenceLayout.TimeMajor ? (0, 1) : (1, 0);

        long[] strides = ElementStrides(shape, _header.FortranOrder);
        (_timeStride, _sequenceStride, _rowStride, _columnStride) = (strides[timeAxis], strides[sequenceAxis], strides[2], strides[3]);
        _fileFrameCount = (int)shape[timeAxis];
        FrameCount = options.FrameCount ?? _fileFrameCount;
        if (FrameCount < 1 || FrameCount > _fileFrameCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), FrameCount,
                $"{nameof(NpySequenceOptions)}.{nameof(NpySequenceOptions.FrameCount)} is {FrameCount}, but the sequences of " +
                $"{source} have {_fileFrameCount} frames, read as {AxesText(Layout)}; expected 1 to {_fileFrameCount}.");
        }

        FrameHeight = (int)shape[2];
        FrameWidth = (int)shape[3];
        TotalSequenceCount = (int)shape[sequenceAxis];
        (_firstSequence, SequenceCount) = SelectSplit(options, TotalSequenceCount, source);
        if (options.LabelsPath is { } labelsPath)
        {
            // One label per sequence of the whole file; the split takes its part of them.
            _labels = SequenceLabelFile.Read(labelsPath, options.LabelOptions, count => RequireLabelCount(count, labelsPath), TotalSequenceCount)
                .Slice(_firstSequence, SequenceCount);
        }

        _data = data;
    }

    /// <summary>Refuses a labels file that does not hold one label per sequence of the whole file.</summary>
    private void RequireLabelCount(long count, string labelsPath)
    {
        if (count != TotalSequenceCount && count == _fileFrameCount)
        {
            // One label per index of the other axis: most likely the axes were read the wrong way round.
            var other = Layout == NpySequenceLayout.TimeMajor ? NpySequenceLayout.BatchMajor : NpySequenceLayout.TimeMajor;
            throw new InvalidDataException(
                $"'{labelsPath}' holds {count} labels but {_source} holds {TotalSequenceCount} sequences of {_fileFrameCount} frames, " +
                $"read as {AxesText(Layout)}; if its first two axes are the other way round, set " +
                $"{nameof(NpySequenceOptions)}.{nameof(NpySequenceOptions.Layout)} = {other}.");
        }

        SequenceLabels.RequireCount(count, labelsPath, TotalSequenceCount, Path);
    }

    /// <summary>Opens an .npy file (or a gzip of one) and validates its header and length.</summary>
    /// <param name="path">The .npy or .npy.gz file.</param>
    /// <param name="options">Layout and split; defaults to time-major, all sequences.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or the split does not fit the file.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="NpySequenceOptions.FrameCount"/> is below 1 or above
    /// the frames the file's sequences have.</exception>
    /// <exception cref="FileNotFoundException">The file or the labels file does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be opened for reading (it may name a
    /// folder).</exception>
    /// <exception cref="InvalidDataException">The file is not an .npy file, has an unsupported type or rank, is
    /// truncated, decompresses to more than <see cref="NpySequenceOptions.MaxDecompressedBytes"/>, or is a FIFO, socket
    /// or device; or the labels file cannot be read or does not hold one label per sequence. The message names the
    /// file and what was wrong.</exception>
    /// <exception cref="IOException">The file could not be read, or a gzip file would not fit the temporary folder's
    /// drive.</exception>
    public static NpySequenceFile Open(string path, NpySequenceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new NpySequenceOptions();
        FileStream data = ReadableFile.OpenRead(path);
        string source = $"'{path}'";
        try
        {
            if (GzipDetector.IsGzip(data))
            {
                data = DecompressToTemporaryFile(data, path, options);
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

    /// <summary>The number of sequences in an .npy file (or a gzip of one), from its header alone: a gzip file is
    /// decompressed only as far as its header.</summary>
    /// <param name="path">The .npy or .npy.gz file.</param>
    /// <param name="layout">Which axis counts sequences.</param>
    /// <exception cref="InvalidDataException">The header is not an .npy header of a 4-D uint8 or float32 array; the
    /// message names the file.</exception>
    public static int ReadSequenceCount(string path, NpySequenceLayout layout = NpySequenceLayout.TimeMajor) =>
        (int)ReadShape(path, layout)[layout == NpySequenceLayout.TimeMajor ? 1 : 0];

    /// <summary>The number of frames of each sequence in an .npy file (or a gzip of one), from its header alone, as
    /// <see cref="ReadSequenceCount"/> reads it.</summary>
    /// <param name="path">The .npy or .npy.gz file.</param>
    /// <param name="layout">Which axis counts frames.</param>
    /// <exception cref="InvalidDataException">The header is not an .npy header of a 4-D uint8 or float32 array; the
    /// message names the file.</exception>
    public static int ReadFrameCount(string path, NpySequenceLayout layout = NpySequenceLayout.TimeMajor) =>
        (int)ReadShape(path, layout)[layout == NpySequenceLayout.TimeMajor ? 0 : 1];

    private static long[] ReadShape(string path, NpySequenceLayout layout)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = ReadableFile.OpenRead(path);
        bool gzip = GzipDetector.IsGzip(file);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
        string source = gzip ? $"'{path}' (after gzip decompression)" : $"'{path}'";
        NpyHeader header;
        try
        {
            header = NpyHeader.Read(stream, source);
        }
        catch (InvalidDataException e) when (gzip && GzipDetector.IsDecoderError(e))
        {
            throw GzipDetector.Damaged(path, e);
        }
        CheckShape(header, layout, source);
        return header.Shape;
    }

    /// <summary>The file this reads.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Description =>
        SequenceCollectionLeadingFrames.Describe($"{SequenceCount} sequences of '{Path}'", FrameCount, _fileFrameCount);

    /// <summary>Same as <see cref="SequenceCount"/>.</summary>
    public int Count => SequenceCount;

    /// <summary>The classes of the labels file (<see cref="NpySequenceOptions.LabelsPath"/>); null without one.</summary>
    public IReadOnlyList<string>? ClassNames => _labels?.ClassNames;

    /// <summary>The labels, for the sequences of the split; null without a labels file.</summary>
    public SequenceLabels? Labels => _labels;

    /// <inheritdoc/>
    public int? Label(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SequenceCount);
        return _labels?[index];
    }

    /// <summary>Axis order of the array.</summary>
    public NpySequenceLayout Layout { get; }

    /// <summary>Element type stored in the file.</summary>
    public NpyElementType ElementType => _header.ElementType;

    /// <summary>Sequences in the selected split.</summary>
    public int SequenceCount { get; }

    /// <summary>Sequences in the whole file.</summary>
    public int TotalSequenceCount { get; }

    /// <summary>Frames per sequence: the file's, or the first <see cref="NpySequenceOptions.FrameCount"/> of them.</summary>
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
    /// <exception cref="IOException">The file ends before the sequence: it was cut short after it was opened.</exception>
    public void ReadSequence(int index, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_data.SafeFileHandle.IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SequenceCount);
        if (destination.Length != SequenceLength)
        {
            throw new ArgumentException($"Expected {SequenceLength} floats, got {destination.Length}.", nameof(destination));
        }

        long sequenceStart = (_firstSequence + index) * _sequenceStride;
        bool framesContiguous = _columnStride == 1 && _rowStride == FrameWidth;
        int frameBytesLength = FrameSize * _header.ElementSize; // fits: checked at open (CheckSequenceShape)
        byte[] raw = ArrayPool<byte>.Shared.Rent(frameBytesLength);
        try
        {
            for (int t = 0; t < FrameCount; t++)
            {
                Span<byte> frameBytes = raw.AsSpan(0, frameBytesLength);
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

    /// <summary>Closes the file (and deletes the temporary copy of a gzip file).</summary>
    public void Dispose() => _data.Dispose();

    private void ReadElements(long firstElement, Span<byte> destination)
    {
        long offset = _header.DataOffset + firstElement * _header.ElementSize;
        // Thread-safe: a positional read neither uses nor moves the stream's position.
        int read = 0;
        while (read < destination.Length)
        {
            int count = RandomAccess.Read(_data.SafeFileHandle, destination[read..], offset + read);
            if (count == 0)
            {
                throw new IOException(
                    $"{_source} was cut short after it was opened: reading {destination.Length} bytes at offset {offset} found only {read} " +
                    $"(the header declares {_header.DataLength} bytes of data from offset {_header.DataOffset}; the file now ends at offset " +
                    $"{RandomAccess.GetLength(_data.SafeFileHandle)}).");
            }

            read += count;
        }
    }

    // Fortran order scatters a frame across the file. Where the stretch of file it spans is small, one read takes it
    // whole and the frame is gathered in memory; otherwise each element is read (one system call each).
    private void GatherFrame(long frameStart, Span<byte> destination)
    {
        int size = _header.ElementSize;
        long spanElements = (FrameHeight - 1) * _rowStride + (FrameWidth - 1) * _columnStride + 1;
        if (spanElements * size > MaxGatherSpanBytes)
        {
            for (int r = 0; r < FrameHeight; r++)
            {
                for (int c = 0; c < FrameWidth; c++)
                {
                    int target = (r * FrameWidth + c) * size;
                    ReadElements(frameStart + r * _rowStride + c * _columnStride, destination.Slice(target, size));
                }
            }

            return;
        }

        byte[] span = ArrayPool<byte>.Shared.Rent((int)(spanElements * size));
        try
        {
            ReadElements(frameStart, span.AsSpan(0, (int)(spanElements * size)));
            for (int r = 0; r < FrameHeight; r++)
            {
                for (int c = 0; c < FrameWidth; c++)
                {
                    span.AsSpan((int)((r * _rowStride + c * _columnStride) * size), size)
                        .CopyTo(destination.Slice((r * FrameWidth + c) * size, size));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(span);
        }
    }

    private void Decode(ReadOnlySpan<byte> raw, Span<float> destination)
    {
        if (_header.ElementType == NpyElementType.UnsignedByte)
        {
            PixelScale.ToUnitFloats(raw, destination);
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

    /// <summary>Refuses a header whose shape this reader cannot serve: not rank 4, an empty sequence or frame, more
    /// values per sequence or sequences than can be indexed, or a frame whose bytes exceed one array. Runs on the
    /// header alone, so a gzip file is refused before anything is decompressed.</summary>
    private static void CheckShape(NpyHeader header, NpySequenceLayout layout, string source)
    {
        long[] shape = header.Shape;
        if (shape.Length != 4)
        {
            throw new InvalidDataException(
                $"{source}, header at offset {header.HeaderOffset}: shape {header.ShapeText} has {shape.Length} dimensions; expected 4, {AxesText(layout)}.");
        }

        (int timeAxis, int sequenceAxis) = layout == NpySequenceLayout.TimeMajor ? (0, 1) : (1, 0);
        CheckSequenceShape(header, layout, shape[timeAxis], shape[sequenceAxis], shape[2], shape[3], source);
    }

    // Sizes are multiplied in 128 bits: a product of the header's sizes (each up to long.MaxValue) can wrap even a
    // long, and an axis with 0 makes the data length 0, so the file's length cannot have caught them.
    private static void CheckSequenceShape(NpyHeader header, NpySequenceLayout layout, long frames, long sequences, long height, long width, string source)
    {
        string what = $"{source}, header at offset {header.HeaderOffset}: shape {header.ShapeText} ({AxesText(layout)}) holds " +
            $"{sequences} sequences of {frames} frames of {height} x {width} pixels";
        if (frames == 0 || height == 0 || width == 0)
        {
            throw new InvalidDataException($"{what}; a sequence needs at least one frame of at least 1 x 1 pixels.");
        }

        Int128 sequenceLength = (Int128)frames * height * width;
        if (sequenceLength > Array.MaxLength || sequences > int.MaxValue)
        {
            throw new InvalidDataException(
                $"{what}, {sequenceLength} values per sequence; at most {Array.MaxLength} values per sequence and {int.MaxValue} sequences can be indexed.");
        }

        // One frame's bytes are read into one buffer.
        Int128 frameBytes = (Int128)height * width * header.ElementSize;
        if (frameBytes > Array.MaxLength)
        {
            throw new InvalidDataException(
                $"{what}: one frame is {frameBytes} bytes of {header.TypeText}; at most {Array.MaxLength} bytes per frame can be read.");
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
    /// <remarks>The header's shape is checked (<see cref="CheckShape"/>) before the temporary file is created, and the
    /// declared size must not exceed <see cref="NpySequenceOptions.MaxDecompressedBytes"/> nor the free space of the
    /// temporary folder's drive less <see cref="TemporarySpaceMargin"/>.</remarks>
    private static FileStream DecompressToTemporaryFile(FileStream compressed, string path, NpySequenceOptions options)
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
                    CheckShape(header, options.Layout, source);
                    _ = SelectSplit(options, (int)header.Shape[options.Layout == NpySequenceLayout.TimeMajor ? 1 : 0], source);
                    declared = checked(header.DataOffset + header.DataLength);
                }

                CheckDecompressedSize(declared, path, options.MaxDecompressedBytes);

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
            throw GzipDetector.Damaged(path, e);
        }
        catch
        {
            copy?.Dispose();
            throw;
        }
    }

    /// <summary>Free space left on the temporary folder's drive after a decompressed copy: 256 MiB.</summary>
    private const long TemporarySpaceMargin = 256L << 20;

    private static void CheckDecompressedSize(long declared, string path, long maxBytes)
    {
        if (declared > maxBytes)
        {
            throw new InvalidDataException(
                $"'{path}' would decompress to {declared} bytes (its .npy header's size), more than the {maxBytes} bytes " +
                $"{nameof(NpySequenceOptions)}.{nameof(NpySequenceOptions.MaxDecompressedBytes)} allows; raise it or decompress the file first.");
        }

        string folder = System.IO.Path.GetTempPath();
        long free;
        try
        {
            // Unix: statvfs of the folder itself (its own mount); Windows: its drive root.
            string drive = OperatingSystem.IsWindows() ? System.IO.Path.GetPathRoot(System.IO.Path.GetFullPath(folder)) ?? folder : folder;
            free = new DriveInfo(drive).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return; // Free space unknown: the write itself reports a full disk.
        }

        if (declared > free - TemporarySpaceMargin)
        {
            throw new IOException(
                $"'{path}' would decompress to {declared} bytes (its .npy header's size), but the drive of the temporary folder " +
                $"'{folder}' has only {free} bytes free (keeping {TemporarySpaceMargin} spare); decompress it elsewhere first.");
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
