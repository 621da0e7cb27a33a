namespace LstmAe.Model;

/// <summary>What a stacked LSTM does in the model, which decides whether a fused kernel can run it
/// (<see cref="StackedLstmShape.UsesFusedKernel(TorchSharp.DeviceType, MatrixPrecision, LstmUse)"/>).</summary>
internal enum LstmUse
{
    /// <summary>The encoder: every step's input (a frame) is known before the LSTM runs.</summary>
    Encoder,
    /// <summary>An unconditioned decoder: its input is zero at every step.</summary>
    UnconditionedDecoder,
    /// <summary>A teacher-forced decoder while training: its inputs are the known target frames.</summary>
    TeacherForcedDecoder,
    /// <summary>A decoder fed its own previous output (conditional, or teacher-forced at inference): each step
    /// waits for the one before.</summary>
    FeedbackDecoder,
}
