namespace LstmAe.Data;

/// <summary>
/// Small grayscale images (uint8, row-major) with one class label each, such as MNIST or Fashion-MNIST.
/// Immutable, so one instance can be shared by any number of generators and threads.
/// </summary>
public sealed class LabeledImageSet
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    /// <summary>Creates a set from packed images and their labels.</summary>
    /// <param name="pixels">Images one after another, each <paramref name="height"/> x <paramref name="width"/> bytes.</param>
    /// <param name="labels">One label per image.</param>
    /// <param name="height">Rows of one image.</param>
    /// <param name="width">Columns of one image.</param>
    /// <exception cref="ArgumentException">The sizes disagree.</exception>
    public LabeledImageSet(byte[] pixels, byte[] labels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.LongLength != (long)labels.Length * height * width)
        {
            throw new ArgumentException(
                $"{labels.Length} labels of {height}x{width} images need {(long)labels.Length * height * width} pixels, got {pixels.LongLength}.",
                nameof(pixels));
        }

        _pixels = pixels;
        _labels = labels;
        Height = height;
        Width = width;
        ClassCount = labels.Length == 0 ? 0 : labels.Max() + 1;
    }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Rows of one image.</summary>
    public int Height { get; }

    /// <summary>Columns of one image.</summary>
    public int Width { get; }

    /// <summary>Number of classes: the largest label plus one (10 for MNIST and Fashion-MNIST).</summary>
    public int ClassCount { get; }

    /// <summary>The pixels of image <paramref name="index"/>, row-major, 0 (background) to 255 (ink).</summary>
    public ReadOnlySpan<byte> GetImage(int index)
    {
        CheckIndex(index);
        int size = Height * Width;
        return _pixels.AsSpan(index * size, size);
    }

    /// <summary>The class label of image <paramref name="index"/>.</summary>
    public int GetLabel(int index)
    {
        CheckIndex(index);
        return _labels[index];
    }

    /// <summary>Reads an IDX image file and its IDX label file (raw or gzip), e.g. the standard MNIST files.</summary>
    /// <param name="imagesPath">An idx3-ubyte file, such as <c>train-images-idx3-ubyte.gz</c>.</param>
    /// <param name="labelsPath">The matching idx1-ubyte file, such as <c>train-labels-idx1-ubyte.gz</c>.</param>
    /// <exception cref="InvalidDataException">A file is malformed, or the two files hold different counts.</exception>
    public static LabeledImageSet Load(string imagesPath, string labelsPath)
    {
        // Labels first (a byte per image): the images' header count is then refused before their pixels are read.
        byte[] labels = IdxReader.ReadLabels(labelsPath);
        IdxImages images = IdxReader.ReadImages(imagesPath, count => RequireCount(count, labels.Length, imagesPath, labelsPath));
        return Create(images, labels, imagesPath, labelsPath);
    }

    private void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
    }

    internal static LabeledImageSet Create(IdxImages images, byte[] labels, string imagesName, string labelsName)
    {
        RequireCount(images.Count, labels.Length, imagesName, labelsName);
        return new LabeledImageSet(images.Pixels, labels, images.Height, images.Width);
    }

    private static void RequireCount(long images, int labels, string imagesName, string labelsName)
    {
        if (images != labels)
        {
            throw new InvalidDataException($"'{imagesName}' holds {images} images but '{labelsName}' holds {labels} labels.");
        }
    }
}
