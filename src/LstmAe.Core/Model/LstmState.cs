using static TorchSharp.torch;

namespace LstmAe.Model;

/// <summary>The (h, c) state of a stacked LSTM, each shaped [layers, batch, hidden].</summary>
/// <param name="Hidden">Hidden state h of every layer.</param>
/// <param name="Cell">Cell state c of every layer.</param>
public readonly record struct LstmState(Tensor Hidden, Tensor Cell);
