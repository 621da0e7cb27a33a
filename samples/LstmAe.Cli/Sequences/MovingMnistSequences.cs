using LstmAe.Data;

namespace LstmAe.Cli.Sequences;

/// <summary>Moving MNIST sequences generated on demand from the embedded digits.</summary>
internal sealed class MovingMnistSequences(MovingMnistOptions options) : ISequenceCollection
{
    private readonly MovingMnistGenerator _generator = new(options);

    public string Description => $"{Count} generated Moving MNIST sequences ({options.Split} digits, seed {options.Seed})";

    public int Count => _generator.SequenceCount;

    public int FrameCount => options.FrameCount;

    public int FrameHeight => options.FrameHeight;

    public int FrameWidth => options.FrameWidth;

    public void Read(int index, Span<float> destination) =>
        _generator.Generate(index, destination, stackalloc DigitMotion[options.DigitsPerSequence]);

    public void Dispose()
    {
    }
}
