using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>Where inference reads its input frames from: a host array of sequences (<see cref="HostSequenceBatch"/>)
/// or rows already staged in a tensor (<see cref="InputFrameBuffer"/>).</summary>
internal interface IInputFrameSource
{
    /// <summary>Sequences available.</summary>
    int Count { get; }

    /// <summary>The input frames of sequences [first, first + length), [length, input frames, frame size], in
    /// <paramref name="format"/> on <paramref name="device"/>.</summary>
    Tensor InputFrames(int first, int length, Device device, ScalarType format);
}
