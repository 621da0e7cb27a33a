namespace LstmAe.Data;

/// <summary>
/// The random draws behind one digit of a Moving MNIST sequence: which digit, where it starts and how it moves.
/// Coordinates are pixels of the canvas: x is the column of the digit's left edge, y the row of its top edge (rows
/// grow downwards), both in [0, canvas - digit size].
/// </summary>
/// <param name="DigitIndex">Index of the digit image in the digit set.</param>
/// <param name="Label">Class of the digit (0-9 for MNIST).</param>
/// <param name="StartX">Horizontal position before the first step.</param>
/// <param name="StartY">Vertical position before the first step.</param>
/// <param name="VelocityX">Horizontal pixels per frame, before any bounce.</param>
/// <param name="VelocityY">Vertical pixels per frame, before any bounce.</param>
public readonly record struct DigitMotion(int DigitIndex, int Label, float StartX, float StartY, float VelocityX, float VelocityY);
