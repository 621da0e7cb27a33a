namespace LstmAe.Core.Tests.TestSupport;

/// <summary>
/// Runs garbage collections and finalizers back to back on a background thread until disposed, as a busy
/// application's other threads would. Code that hands libtorch a native handle owned by an unreachable managed
/// object (TorchSharp's temporary scalars) then fails quickly instead of once in a long run. Generation 0 is
/// enough, since such objects die young, and it stays fast however large the test host's heap has grown.
/// </summary>
internal sealed class GarbageCollectionStress : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stopping;

    public GarbageCollectionStress()
    {
        _thread = new Thread(Collect) { IsBackground = true, Name = nameof(GarbageCollectionStress) };
        _thread.Start();
    }

    /// <summary>
    /// Calls <paramref name="body"/> with 0, 1, ... until it has run <paramref name="maximum"/> times, or
    /// <paramref name="budget"/> has passed and it has run at least <paramref name="minimum"/> times: under
    /// back-to-back collections a call's time depends on the machine and on the test host's heap, so a fixed count
    /// can take seconds on one run and minutes on another.
    /// </summary>
    /// <returns>How many times it ran.</returns>
    public static int Repeat(int minimum, int maximum, TimeSpan budget, Action<int> body)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int calls = 0;
        while (calls < maximum && (calls < minimum || clock.Elapsed < budget))
            body(calls++);
        return calls;
    }

    /// <summary>Collections run so far: a test can check that the stress really ran.</summary>
    public long Collections { get; private set; }

    private void Collect()
    {
        while (!_stopping)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            Collections++;
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }
}
