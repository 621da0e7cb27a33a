using LstmAe.Model;

namespace LstmAe.Samples.OnnxScoring;

/// <summary>The sizes of one run of the ONNX sample. <see cref="Tiny"/> runs in seconds, for tests.</summary>
public sealed record OnnxSampleSettings
{
    /// <summary>The folder the files go to.</summary>
    public string OutputFolder { get; init; } = "lstmae-onnx";

    /// <summary>Write into a non-empty output folder.</summary>
    public bool Force { get; init; }

    /// <summary>Frame rows and columns.</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>Frames per clip.</summary>
    public int InputFrames { get; init; } = 10;

    /// <summary>Units in the LSTM layer.</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>The encoder state used as features.</summary>
    public EncoderFeatures Features { get; init; } = EncoderFeatures.LastLayerHiddenAndCell;

    /// <summary>Labelled single-digit training clips (the autoencoder and the classifier train on them).</summary>
    public int TrainSequences { get; init; } = 2_000;

    /// <summary>New clips (held-out digits) scored by both pipelines.</summary>
    public int TestSequences { get; init; } = 500;

    /// <summary>Passes of the autoencoder over the training clips.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Clips per training step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Seed of the data and the weights.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The default run: about a minute on two cores.</summary>
    public static OnnxSampleSettings Default { get; } = new();

    /// <summary>Seconds: 32x32 frames, 3 frames, 16 units, a few clips.</summary>
    public static OnnxSampleSettings Tiny { get; } = new()
    {
        FrameSize = 32,
        InputFrames = 3,
        HiddenSize = 16,
        TrainSequences = 40,
        TestSequences = 20,
        Epochs = 1,
        BatchSize = 8,
    };
}
