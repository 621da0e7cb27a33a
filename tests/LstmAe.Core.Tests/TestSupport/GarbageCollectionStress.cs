namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// Runs garbage collections and finalizers back to back on a background thread until disposed, as a busy
/// application's other threads would. Code that hands libtorch a native handle owned by an unreachable managed
/// object (TorchSharp's temporary scalars) then fails quickly instead of once in a long run. Generation 0 is
/// enough, since such objects die young, and it stays fast however large the test host's heap has grown.
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

    /// <summary>Collections run so far: a test can check that the stress really ran.</summary>
    public long Collections { get; private set; }

    private void Collect()
    {
        while (!stopping)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
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
