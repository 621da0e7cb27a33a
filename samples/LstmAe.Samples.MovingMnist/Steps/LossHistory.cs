using LstmAe.Training;
using LstmAe.Visualization;

namespace LstmAe.Samples.MovingMnist.Steps;

/// <summary>The training and validation losses seen during training, for the loss-curve chart.</summary>
internal sealed class LossHistory : IProgress<TrainingProgress>
{
    private readonly List<LossPoint> _training = [];
    private readonly List<LossPoint> _validation = [];

    public IReadOnlyList<LossPoint> Training => _training;

    public IReadOnlyList<LossPoint> Validation => _validation;

    public void Report(TrainingProgress value)
    {
        if (value.ValidationLoss is double validation)
        {
            _validation.Add(new LossPoint(value.Step, validation));
        }
        else
        {
            _training.Add(new LossPoint(value.Step, value.Loss));
        }
    }
}
