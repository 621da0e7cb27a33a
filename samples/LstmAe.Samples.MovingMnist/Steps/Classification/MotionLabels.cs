using LstmAe.Data;

namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>
/// Motion classes of a clip, read from the generator's draws (<see cref="DigitMotion"/>, also the
/// <c>Velocity</c> columns of <c>LoadMovingMnist</c>): the direction and the speed of the first digit before any bounce.
/// </summary>
public static class MotionLabels
{
    /// <summary>Direction classes: 8 sectors of 45 degrees.</summary>
    public const int DirectionBins = 8;

    /// <summary>Speed classes when speeds vary: equal thirds of [Speed, MaxSpeed].</summary>
    public const int SpeedBands = 3;

    /// <summary>
    /// The sector of the velocity's angle, counted from +x (rightwards) towards +y (downwards, as rows grow), each
    /// centred on one of the 8 compass directions: 0 is right, 2 down, 4 left, 6 up.
    /// </summary>
    public static int Direction(in DigitMotion motion)
    {
        double angle = Math.Atan2(motion.VelocityY, motion.VelocityX); // (-pi, pi]
        double sector = 2 * Math.PI / DirectionBins;
        int bin = (int)Math.Floor((angle + sector / 2) / sector);
        return ((bin % DirectionBins) + DirectionBins) % DirectionBins;
    }

    /// <summary>The third of [<paramref name="minimum"/>, <paramref name="maximum"/>] the speed falls in; 0 when the
    /// range is empty (every clip has one speed).</summary>
    public static int Speed(in DigitMotion motion, float minimum, float maximum)
    {
        double speed = Math.Sqrt((double)motion.VelocityX * motion.VelocityX + (double)motion.VelocityY * motion.VelocityY);
        if (!(maximum > minimum))
        {
            return 0;
        }
        int band = (int)((speed - minimum) / (maximum - minimum) * SpeedBands);
        return Math.Clamp(band, 0, SpeedBands - 1);
    }
}
