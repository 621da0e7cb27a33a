using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>A minibatch as tensors: input frames and, when the source has them, future frames.</summary>
internal sealed record Minibatch(Tensor Input, Tensor? Future, int Count);
