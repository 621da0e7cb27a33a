namespace LstmAe.Data;

/// <summary>The content of an idx3-ubyte file: <see cref="Count"/> images packed row-major, one byte per pixel.</summary>
/// <param name="Count">Number of images.</param>
/// <param name="Height">Rows of one image.</param>
/// <param name="Width">Columns of one image.</param>
/// <param name="Pixels">All images one after another.</param>
public sealed record IdxImages(int Count, int Height, int Width, byte[] Pixels);
