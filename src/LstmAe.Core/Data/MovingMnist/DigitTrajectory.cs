namespace LstmAe.Data;

/// <summary>
/// The path of one bouncing digit, as in Srivastava et al.'s generator: each frame first takes one step along the
/// velocity, then a coordinate past a wall is clamped to the wall and that velocity component flips sign. Positions
/// are truncated to whole pixels when drawn.
/// </summary>
internal static class DigitTrajectory
{
    /// <summary>Writes the integer top-left position of the digit in each frame.</summary>
    /// <param name="motion">Start and velocity.</param>
    /// <param name="maxX">Largest left edge: canvas width minus digit width.</param>
    /// <param name="maxY">Largest top edge: canvas height minus digit height.</param>
    /// <param name="xs">Receives one column per frame.</param>
    /// <param name="ys">Receives one row per frame.</param>
    public static void Trace(in DigitMotion motion, int maxX, int maxY, Span<int> xs, Span<int> ys)
    {
        // Double precision, like the numpy original, so long sequences do not drift.
        double x = motion.StartX, y = motion.StartY;
        double vx = motion.VelocityX, vy = motion.VelocityY;
        for (int t = 0; t < xs.Length; t++)
        {
            x += vx;
            y += vy;
            Bounce(ref x, ref vx, maxX);
            Bounce(ref y, ref vy, maxY);
            xs[t] = (int)x;
            ys[t] = (int)y;
        }
    }

    private static void Bounce(ref double position, ref double velocity, int max)
    {
        // Both tests include equality, as in the original, so a digit resting on a wall leaves it next step.
        if (position <= 0)
        {
            position = 0;
            velocity = -velocity;
        }

        if (position >= max)
        {
            position = max;
            velocity = -velocity;
        }
    }
}
