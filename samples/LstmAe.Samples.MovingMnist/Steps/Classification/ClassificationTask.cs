namespace LstmAe.Samples.MovingMnist.Steps.Classification;

/// <summary>What the classifiers learn from a clip: its digit, or how its digit moves.</summary>
internal enum ClassificationTask
{
    /// <summary>The digit's class, 10 classes.</summary>
    Digit,

    /// <summary>The direction of the digit's first step, 8 sectors (<see cref="MotionLabels.Direction"/>).</summary>
    Direction,

    /// <summary>The digit's speed band, 3 classes; only when speeds vary (<see cref="MotionLabels.Speed"/>).</summary>
    Speed,
}

/// <summary>Names and sizes of the tasks.</summary>
internal static class ClassificationTasks
{
    public static int ClassCount(this ClassificationTask task) => task switch
    {
        ClassificationTask.Digit => LstmAe.Data.EmbeddedMnist.Digits.ClassCount,
        ClassificationTask.Direction => MotionLabels.DirectionBins,
        _ => MotionLabels.SpeedBands,
    };

    public static string Title(this ClassificationTask task) => task switch
    {
        ClassificationTask.Digit => "digit identity (10 classes)",
        ClassificationTask.Direction => "direction of motion (8 sectors of 45 degrees)",
        _ => "speed band (thirds of the speed range)",
    };
}
