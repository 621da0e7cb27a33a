using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LstmAe.Tests.Shared;

/// <summary>Whether glibc currently serves a large block with a fresh mapping, from its own statistics.
/// Compiled into the test projects that check LstmAe's malloc settings (see their csproj files).</summary>
internal static class GlibcMalloc
{
    /// <summary>Above glibc's largest mmap threshold (32 MB), so by default always a fresh mapping.</summary>
    private const long LargeBlockBytes = 48L << 20;

    /// <summary>True where the process runs on glibc 2.33 or later (mallinfo2) and the environment leaves its malloc settings alone (a user's
    /// settings take precedence over LstmAe's).</summary>
    public static bool IsAvailable =>
        OperatingSystem.IsLinux()
        && NativeLibrary.TryLoad("libc.so.6", out IntPtr libc) && NativeLibrary.TryGetExport(libc, "mallinfo2", out _)
        && !Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Any(name => name.StartsWith("MALLOC_", StringComparison.Ordinal))
        && Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) != true;

    /// <summary>
    /// Allocates large tensors and answers whether glibc maps one afresh (its default) rather than serving it from
    /// the heap. Free heap memory left by earlier tests may serve a few blocks whatever the settings, so blocks are
    /// allocated until that memory cannot have served them all. They are never touched, so they cost no pages.
    /// </summary>
    public static bool MapsLargeBlocks() => Maps(LargeBlockBytes);

    /// <summary>As <see cref="MapsLargeBlocks"/>, for blocks of <paramref name="blockBytes"/>.</summary>
    public static bool Maps(long blockBytes)
    {
        long attempts = (long)Mallinfo2().FreeBytes / blockBytes + 2;
        var blocks = new List<Tensor>();
        try
        {
            for (long i = 0; i < attempts; i++)
            {
                // Signed: another thread may unmap a block between the two readings.
                long before = (long)Mallinfo2().MappedBytes;
                blocks.Add(empty(blockBytes / sizeof(float)));
                if ((long)Mallinfo2().MappedBytes - before >= blockBytes) return true;
            }
            return false;
        }
        finally
        {
            foreach (Tensor block in blocks) block.Dispose();
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallocStatistics Mallinfo2();

    /// <summary>glibc's <c>struct mallinfo2</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocStatistics
    {
        public readonly nuint Arena, OrdinaryBlocks, SmallBlocks, MappedBlocks, MappedBytes, MaxTotalAllocated,
            FreedSmallBytes, AllocatedBytes, FreeBytes, KeepCost;
    }
}
