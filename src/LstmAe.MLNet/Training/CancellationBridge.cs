using LstmAe.MLNet.Internal;
using LstmAe.Training;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet.Training;

/// <summary>
/// Turns ML.NET's cancellation (<c>MLContext.CancelExecution</c>, which only sets a flag on the environment) into
/// the <see cref="CancellationToken"/> the trainer checks between steps, linked with the caller's own token. The
/// flag is read before training and at every step's progress report, which the trainer makes synchronously just
/// before it checks the token, so a cancellation is seen at the next step boundary without a polling thread.
/// </summary>
internal sealed class CancellationBridge : IProgress<TrainingProgress>, IDisposable
{
    private readonly IHostEnvironment _environment;
    private readonly IProgress<TrainingProgress> _inner;
    private readonly CancellationTokenSource _source;

    /// <summary>Watches <paramref name="environment"/> and <paramref name="callerToken"/>; forwards progress to
    /// <paramref name="inner"/>.</summary>
    public CancellationBridge(IHostEnvironment environment, CancellationToken callerToken, IProgress<TrainingProgress> inner)
    {
        _environment = environment;
        _inner = inner;
        _source = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        CheckEnvironment();
    }

    /// <summary>Fires once the environment or the caller's token is cancelled.</summary>
    public CancellationToken Token => _source.Token;

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        _inner.Report(value);
        CheckEnvironment();
    }

    /// <inheritdoc/>
    public void Dispose() => _source.Dispose();

    private void CheckEnvironment()
    {
        if (MlNetInternals.IsCanceled(_environment))
            _source.Cancel();
    }
}
