using LstmAe.MLNet.Internal;
using Microsoft.ML.Runtime;

namespace LstmAe.MLNet.Training;

/// <summary>Turns ML.NET's cancellation (<c>MLContext.CancelExecution</c>, which only sets a flag on the
/// environment) into a <see cref="CancellationToken"/> for the trainer, by polling the flag.</summary>
internal sealed class CancellationBridge : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly CancellationTokenSource _source = new();
    private readonly Timer _timer;

    /// <summary>Starts watching <paramref name="environment"/>.</summary>
    public CancellationBridge(IHostEnvironment environment)
    {
        if (MlNetInternals.IsCanceled(environment))
            _source.Cancel();
        _timer = new Timer(_ =>
        {
            if (MlNetInternals.IsCanceled(environment))
                _source.Cancel();
        }, null, PollInterval, PollInterval);
    }

    /// <summary>Fires once the environment is cancelled.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Stops watching. The token source is left to the GC: a poll already running may still cancel it.</summary>
    public void Dispose() => _timer.Dispose();
}
