namespace LstmAe.Metrics;

/// <summary>The size of one grey-scale frame: <see cref="Height"/> rows of <see cref="Width"/> pixels, row-major.</summary>
/// <param name="Height">Rows in a frame.</param>
/// <param name="Width">Pixels in a row.</param>
public readonly record struct FrameShape(int Height, int Width)
{
    /// <summary>Pixels in one frame.</summary>
    public int Size => Height * Width;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless both sides are positive.</summary>
    /// <param name="parameterName">The parameter to name in the exception.</param>
    public void Validate(string parameterName)
    {
        if (Height <= 0 || Width <= 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, this, $"A frame needs a positive height and width; got {Height} x {Width}.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Height}x{Width}";
}
