using System.Text;

namespace LstmAe.Build.Tests;

/// <summary>
/// The build step marks TorchSharp's GLIBCXX_3.4.32 need weak in the copied library only. These tests check the
/// ELF edit on the real library, that the copy in this test's output is exactly that edit (or untouched on hosts
/// that do not need it), and that the NuGet cache's file is never modified.
/// </summary>
[TestClass]
public sealed class WeakenElfVersionNeedTests
{
    const string Version = "GLIBCXX_3.4.32";
    const string LibraryName = "libLibTorchSharp.so";

    static readonly string[] HostLibraryCandidates =
        ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6"];

    static string OutputCopy => Path.Combine(AppContext.BaseDirectory, LibraryName);

    static string CacheOriginal
    {
        get
        {
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string version = typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3);
            return Path.Combine(packages, "torchsharp", version, "runtimes", "linux-x64", "native", LibraryName);
        }
    }

    [TestInitialize]
    public void RequireLinuxX64()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(CacheOriginal) || !File.Exists(OutputCopy))
            Assert.Inconclusive("Needs linux-x64 with the TorchSharp package in the NuGet cache.");
    }

    [TestMethod]
    public void MarksExactlyTheNamedNeedWeakAndIsIdempotent()
    {
        byte[] original = File.ReadAllBytes(CacheOriginal);
        byte[] patched = (byte[])original.Clone();

        Assert.AreEqual(1, WeakenElfVersionNeed.MarkWeak(patched, Version));
        Assert.AreEqual(0, WeakenElfVersionNeed.MarkWeak(patched, Version), "a second pass must change nothing");

        int[] differences = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.HasCount(1, differences, "only the one vna_flags byte may change");
        Assert.AreEqual(0x2, patched[differences[0]] & 0x2, "VER_FLG_WEAK is set");
    }

    [TestMethod]
    public void LeavesOtherVersionsAlone()
    {
        byte[] patched = File.ReadAllBytes(CacheOriginal);
        Assert.AreEqual(0, WeakenElfVersionNeed.MarkWeak(patched, "GLIBCXX_9.9.99"));
    }

    [TestMethod]
    public void OutputCopyIsPatchedOnlyWhenTheHostNeedsIt()
    {
        byte[] original = File.ReadAllBytes(CacheOriginal);
        byte[] copy = File.ReadAllBytes(OutputCopy);
        byte[] expected = (byte[])original.Clone();
        if (!HostDefines(Version)) WeakenElfVersionNeed.MarkWeak(expected, Version);

        CollectionAssert.AreEqual(expected, copy);
    }

    [TestMethod]
    public void NuGetCacheCopyStillNeedsTheVersionStrongly()
    {
        byte[] original = File.ReadAllBytes(CacheOriginal);
        Assert.AreEqual(1, WeakenElfVersionNeed.MarkWeak(original, Version), "the cache's file must be unmodified");
    }

    [TestMethod]
    public void RejectsFilesThatAreNotElf()
    {
        Assert.ThrowsExactly<InvalidDataException>(() => WeakenElfVersionNeed.MarkWeak(new byte[128], Version));
        byte[] truncated = File.ReadAllBytes(CacheOriginal)[..100];
        Assert.ThrowsExactly<InvalidDataException>(() => WeakenElfVersionNeed.MarkWeak(truncated, Version));
    }

    static bool HostDefines(string version)
    {
        string? host = HostLibraryCandidates.FirstOrDefault(File.Exists);
        return host != null && File.ReadAllBytes(host).AsSpan().IndexOf(Encoding.ASCII.GetBytes(version + "\0")) >= 0;
    }
}
