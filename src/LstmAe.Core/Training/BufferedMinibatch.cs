namespace LstmAe.Training;

/// <summary>Which sequences the reader's buffer holds: <see cref="Count"/> of them, from item <see cref="FirstItem"/>.</summary>
internal readonly record struct BufferedMinibatch(int Epoch, long FirstItem, int Count);
