namespace LstmAe.Model;

/// <summary>What a decoder receives as input at each step after the first (which is always a zero frame).</summary>
public enum DecoderConditioning
{
    /// <summary>Its own previous output: sigmoid(logits) under <see cref="TrainingObjective.BinaryCrossEntropy"/>, raw under MSE.</summary>
    Conditional,
    /// <summary>A zero frame at every step.</summary>
    Unconditioned,
    /// <summary>The ground-truth previous frame while training, its own previous output at inference.</summary>
    TeacherForced,
}
