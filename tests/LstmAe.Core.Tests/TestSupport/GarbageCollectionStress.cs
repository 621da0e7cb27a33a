namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// Runs full garbage collections and finalizers back to back on a background thread until disposed, as a busy
/// application's other threads would. Code that hands libtorch a native handle owned by an unreachable managed
/// object (TorchSharp's temporary scalars) then fails quickly instead of once in a long run.
/// </summary>
internal sealed class GarbageCollectionStress : IDisposable
{
    private readonly Thread thread;
    private volatile bool stopping;

    public GarbageCollectionStress()
    {
        thread = new Thread(Collect) { IsBackground = true, Name = nameof(GarbageCollectionStress) };
        thread.Start();
    }

    /// <summary>Full collections run so far: a test can check that the stress really ran.</summary>
    public long Collections { get; private set; }

    private void Collect()
    {
        while (!stopping)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Collections++;
        }
    }

    public void Dispose()
    {
        stopping = true;
        thread.Join();
    }
}
