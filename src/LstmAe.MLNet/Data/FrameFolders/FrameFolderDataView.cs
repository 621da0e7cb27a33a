using Microsoft.ML;
using Microsoft.ML.Data;

namespace LstmAe.MLNet.Data;

/// <summary>
/// Your own videos as an <see cref="IDataView"/>: one row per subfolder of frame images (see
/// <see cref="FrameSequenceFolder.Scan"/>). Columns: <c>Frames</c> ([T, H, W] grayscale floats in [0, 1], resized to
/// the configured frame size) and <c>Name</c> (the folder's name). Images are decoded when a cursor reads a row.
/// </summary>
internal sealed class FrameFolderDataView : SequenceDataView
{
    private const int FramesColumn = 0;
    private readonly FrameSequenceFolder[] _folders;
    private readonly FrameFolderOptions _options;
    private readonly int _frameCount;

    public FrameFolderDataView(FrameSequenceFolder[] folders, FrameFolderOptions options)
        : base(CreateSchema(folders[0].FramePaths.Length, options), folders.Length)
    {
        _folders = folders;
        _options = options;
        _frameCount = folders[0].FramePaths.Length;
    }

    protected override SequenceRowReader CreateReader() => new Reader(this);

    private static DataViewSchema CreateSchema(int frameCount, FrameFolderOptions options)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(SequenceColumnNames.Frames,
            new VectorDataViewType(NumberDataViewType.Single, frameCount, options.FrameHeight, options.FrameWidth));
        builder.AddColumn(SequenceColumnNames.Name, TextDataViewType.Instance);
        return builder.ToSchema();
    }

    private sealed class Reader(FrameFolderDataView view) : SequenceRowReader
    {
        private FrameResampler? _resampler;

        public override Delegate CreateGetter(int columnIndex) => columnIndex == FramesColumn
            ? (ValueGetter<VBuffer<float>>)GetFrames
            : (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> name) => name = view._folders[Row].Name.AsMemory());

        private void GetFrames(ref VBuffer<float> frames)
        {
            FrameFolderOptions options = view._options;
            int frameSize = checked(options.FrameHeight * options.FrameWidth);
            VBufferEditor<float> editor = VBufferEditor.Create(ref frames, view._frameCount * frameSize);
            string[] paths = view._folders[Row].FramePaths;
            for (int t = 0; t < paths.Length; t++)
            {
                (float[] pixels, int height, int width) = GrayscaleImageReader.Read(paths[t], options.MaxImagePixels);
                Span<float> frame = editor.Values.Slice(t * frameSize, frameSize);
                if (height == options.FrameHeight && width == options.FrameWidth)
                {
                    pixels.CopyTo(frame);
                }
                else
                {
                    ResamplerFor(height, width).Resample(pixels, frame);
                }
            }

            frames = editor.Commit();
        }

        // Frames of one video usually share a size, so the resampling weights are reused.
        private FrameResampler ResamplerFor(int height, int width)
        {
            if (_resampler is null || _resampler.SourceHeight != height || _resampler.SourceWidth != width)
            {
                _resampler = new FrameResampler(height, width, view._options.FrameHeight, view._options.FrameWidth);
            }

            return _resampler;
        }
    }
}
