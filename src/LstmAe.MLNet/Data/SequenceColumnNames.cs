namespace LstmAe.MLNet.Data;

/// <summary>Names of the columns the sequence data views produce.</summary>
public static class SequenceColumnNames
{
    /// <summary>The frames of a sequence: vector&lt;float&gt; of frames x height x width; 8-bit pixels scaled to
    /// [0, 1], float32 .npy values as stored.</summary>
    public const string Frames = "Frames";

    /// <summary>The folder a frame sequence was loaded from (text).</summary>
    public const string Name = "Name";

    /// <summary>The class of a sequence, a key over the classes with their names as key values: a Moving MNIST
    /// sequence's only digit when it has one, or the label given with an .npy file, frame folders or another
    /// labelled sequence collection.</summary>
    public const string Label = "Label";

    /// <summary>The label column of digit <paramref name="digit"/>: <c>Label</c> for a single digit, else
    /// <c>Digit0Label</c>, <c>Digit1Label</c>, ...</summary>
    /// <param name="digit">Which digit, from 0.</param>
    /// <param name="digitsPerSequence">Digits in each sequence.</param>
    public static string DigitLabel(int digit, int digitsPerSequence) => DigitPrefix(digit, digitsPerSequence) + "Label";

    /// <summary>The start column of digit <paramref name="digit"/>: vector&lt;float&gt;[2] (x, y) before the first step;
    /// <c>Start</c> for a single digit, else <c>Digit0Start</c>, ...</summary>
    /// <param name="digit">Which digit, from 0.</param>
    /// <param name="digitsPerSequence">Digits in each sequence.</param>
    public static string DigitStart(int digit, int digitsPerSequence) => DigitPrefix(digit, digitsPerSequence) + "Start";

    /// <summary>The velocity column of digit <paramref name="digit"/>: vector&lt;float&gt;[2] (x, y) in pixels per frame
    /// before any bounce; <c>Velocity</c> for a single digit, else <c>Digit0Velocity</c>, ...</summary>
    /// <param name="digit">Which digit, from 0.</param>
    /// <param name="digitsPerSequence">Digits in each sequence.</param>
    public static string DigitVelocity(int digit, int digitsPerSequence) => DigitPrefix(digit, digitsPerSequence) + "Velocity";

    private static string DigitPrefix(int digit, int digitsPerSequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(digit, digitsPerSequence);
        return digitsPerSequence == 1 ? "" : $"Digit{digit}";
    }
}
