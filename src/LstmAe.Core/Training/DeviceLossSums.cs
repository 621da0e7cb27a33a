using static TorchSharp.torch;

namespace LstmAe.Training;

/// <summary>
/// Sums the loss figures of training steps on the device they were computed on, so that a step needs no host
/// synchronisation; <see cref="Read"/> copies them to the host once for many steps (on a GPU, one wait for the queued
/// work instead of one per step). Sums are float64; a NaN or infinity in any step stays in its sum, so the reading
/// tells whether every step was finite.
/// </summary>
internal sealed class DeviceLossSums : IDisposable
{
    /// <summary>Figures per step: <see cref="AutoEncoderLoss.Terms.DeviceStatistics"/>'s six, then the gradient norm.</summary>
    private const int Width = 7;

    private Tensor? _sums, _lastGradientNorm;

    /// <summary>Steps added since the last <see cref="Read"/>.</summary>
    public int Steps { get; private set; }

    /// <summary>Adds one step's figures: <paramref name="statistics"/> from <see cref="AutoEncoderLoss.Terms.DeviceStatistics"/>
    /// and the global gradient norm (a scalar tensor) before clipping. Neither is read back.</summary>
    public void Add(Tensor statistics, Tensor gradientNorm)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor norm = gradientNorm.detach().reshape(1).to(ScalarType.Float64);
        Tensor row = cat([statistics.detach().to(ScalarType.Float64), norm]);
        if (_sums is null) _sums = row.clone().DetachFromDisposeScope();
        else _sums.add_(row);
        _lastGradientNorm?.Dispose();
        _lastGradientNorm = norm.clone().DetachFromDisposeScope();
        Steps++;
    }

    /// <summary>Copies the sums to the host (the one synchronisation) and starts afresh.</summary>
    /// <param name="hasReconstruction">Whether the model has a reconstruction decoder.</param>
    /// <param name="hasPrediction">Whether it has a prediction decoder.</param>
    /// <param name="frameSize">Pixels per frame, to turn cross-entropy per pixel into nats per frame.</param>
    /// <exception cref="InvalidOperationException">No step was added since the last reading.</exception>
    public Reading Read(bool hasReconstruction, bool hasPrediction, int frameSize)
    {
        if (_sums is null || _lastGradientNorm is null) throw new InvalidOperationException("No step to read.");
        double[] values;
        using (Tensor all = cat([_sums, _lastGradientNorm]))
        using (Tensor host = all.cpu())
        {
            values = host.data<double>().ToArray();
        }
        int steps = Steps;
        Reset();
        double Mean(int index) => values[index] / steps;
        double? Loss(bool present, int first) => present ? Mean(first) : null;
        // Nats per frame only where every step's targets were pixel values.
        double? Nats(bool present, int first) => present && values[first + 2] == steps ? Mean(first + 1) * frameSize : null;
        double? reconstruction = Loss(hasReconstruction, 0), prediction = Loss(hasPrediction, 3);
        var losses = new LossValues((reconstruction ?? 0) + (prediction ?? 0), reconstruction, prediction,
            Nats(hasReconstruction, 0), Nats(hasPrediction, 3));
        return new Reading(steps, losses, values[Width], values.Take(Width).All(double.IsFinite));
    }

    /// <summary>Frees the sums.</summary>
    public void Dispose() => Reset();

    private void Reset()
    {
        _sums?.Dispose();
        _lastGradientNorm?.Dispose();
        (_sums, _lastGradientNorm, Steps) = (null, null, 0);
    }

    /// <summary>What the steps since the last reading came to.</summary>
    /// <param name="Steps">How many steps were read.</param>
    /// <param name="Losses">Their mean losses (nats per frame: the mean over the steps).</param>
    /// <param name="LastGradientNorm">The last step's gradient norm, before clipping.</param>
    /// <param name="AllFinite">False when any step's loss or gradient norm was NaN or infinite.</param>
    public readonly record struct Reading(int Steps, LossValues Losses, double LastGradientNorm, bool AllFinite);
}
