using System.Runtime.InteropServices;

namespace LstmAe.Interop;

/// <summary>
/// Keeps memory that libtorch frees in the process while a training run lasts, on Linux with glibc.
/// </summary>
/// <remarks>
/// A training step allocates and frees the same large tensors every time (gradients, bfloat16 copies of weights).
/// glibc serves a block of 32 MB or more with a fresh <c>mmap</c> and unmaps it when freed, and trims the top of its
/// heap after large frees, so the next step touches new pages and the kernel zeroes each one (docs/platform.md has
/// the measured cost).
/// <see cref="RetainFreedBlocks"/> sets <c>M_MMAP_MAX</c> to 0 and <c>M_TRIM_THRESHOLD</c> out of reach, the
/// settings <c>MALLOC_MMAP_MAX_=0</c> and <c>MALLOC_TRIM_THRESHOLD_</c> give a whole process, so freed blocks are
/// reused. That holds fully for the main thread's heap; on other threads glibc still maps blocks over 64 MB and
/// unmaps a secondary heap once it is entirely free, whatever the settings. The last holder's release lets glibc
/// map large blocks again, with the thresholds its own adjustment would have reached, and returns free memory to
/// the kernel (<c>malloc_trim</c>). These settings are process-wide and outlive the run: after it the thresholds
/// stay fixed at those values (any <c>mallopt</c> call ends glibc's adjustment for good) and replace any the host
/// set with <c>mallopt</c> itself. Nothing is changed where the user set glibc's malloc variables in the
/// environment, and elsewhere than glibc this does nothing.
/// </remarks>
internal static class GlibcHeap
{
    private const int TrimThresholdOption = -1; // M_TRIM_THRESHOLD
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD
    private const int MmapMaxOption = -4; // M_MMAP_MAX
    private const int DefaultMmapMax = 65536; // glibc's DEFAULT_MMAP_MAX
    private const int NeverTrim = -1; // mallopt(3): a trim threshold of -1 turns trimming off

    // Any mallopt call turns off glibc's own adjustment of the two thresholds for good, which would otherwise raise
    // them as large blocks are freed, up to 32 MB (the most M_MMAP_THRESHOLD takes) and twice that. Putting back
    // the starting values (128 kB) would leave the process trimming and mapping far more than before training, so
    // the release sets the values that adjustment settles at in a process that frees large tensors.
    private const int SettledMmapThreshold = 32 * 1024 * 1024;
    private const int SettledTrimThreshold = 2 * SettledMmapThreshold;

    /// <summary>Environment variables through which a user sets glibc's malloc; any of them leaves the heap alone.</summary>
    private static readonly string[] UserSettings =
        ["MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX"];

    private static readonly Lock Gate = new();
    private static readonly Lazy<Functions?> Library = new(Functions.Load);
    private static int s_holders;

    /// <summary>True where the settings can be applied: glibc, and none of its malloc variables set by the user.</summary>
    public static bool IsTunable =>
        UserSettings.All(name => Environment.GetEnvironmentVariable(name) is null)
        && Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) != true
        && Library.Value is not null;

    /// <summary>True while at least one holder keeps freed blocks.</summary>
    public static bool IsRetaining
    {
        get
        {
            lock (Gate) return s_holders > 0;
        }
    }

    /// <summary>
    /// Keeps freed blocks in the process until the returned object is disposed; null, changing nothing, where
    /// <see cref="IsTunable"/> is false. Holders may nest and overlap: the last release lets glibc map large blocks
    /// again.
    /// </summary>
    public static IDisposable? RetainFreedBlocks()
    {
        if (!IsTunable) return null;
        Functions functions = Library.Value!;
        lock (Gate)
        {
            if (s_holders++ == 0)
            {
                functions.SetOption(MmapMaxOption, 0);
                functions.SetOption(TrimThresholdOption, NeverTrim);
            }
        }
        return new Holder(functions);
    }

    private sealed class Holder(Functions functions) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            lock (Gate)
            {
                if (--s_holders > 0) return;
                functions.SetOption(MmapMaxOption, DefaultMmapMax);
                functions.SetOption(MmapThresholdOption, SettledMmapThreshold);
                functions.SetOption(TrimThresholdOption, SettledTrimThreshold);
                functions.Trim(0);
            }
        }
    }

    /// <summary>glibc's <c>mallopt</c> and <c>malloc_trim</c>, looked up once.</summary>
    private sealed class Functions
    {
        private delegate int MallocOption(int option, int value);

        private delegate int MallocTrim(nuint pad);

        private readonly MallocOption _mallopt;
        private readonly MallocTrim _mallocTrim;

        private Functions(MallocOption mallopt, MallocTrim mallocTrim) => (_mallopt, _mallocTrim) = (mallopt, mallocTrim);

        /// <summary>Sets an option; glibc answers 1 on success. A refusal leaves the defaults, which are still correct.</summary>
        public void SetOption(int option, int value) => _mallopt(option, value);

        public void Trim(nuint pad) => _mallocTrim(pad);

        /// <summary>The functions of the process's glibc, or null elsewhere (another OS, musl).</summary>
        public static Functions? Load()
        {
            // gnu_get_libc_version exists only in glibc: musl also has mallopt, as a stub.
            if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out IntPtr libc)) return null;
            if (!NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _)
                || !NativeLibrary.TryGetExport(libc, "mallopt", out IntPtr mallopt)
                || !NativeLibrary.TryGetExport(libc, "malloc_trim", out IntPtr mallocTrim))
            {
                return null;
            }

            return new Functions(
                Marshal.GetDelegateForFunctionPointer<MallocOption>(mallopt),
                Marshal.GetDelegateForFunctionPointer<MallocTrim>(mallocTrim));
        }
    }
}
