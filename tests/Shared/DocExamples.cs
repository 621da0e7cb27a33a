namespace LstmAe.Tests.Shared;

/// <summary>Code examples that docs pages hold verbatim, read from the test files that compile and run them.
/// Compiled into each test project that checks a page (see their csproj files).</summary>
internal static class DocExamples
{
    /// <summary>The lines of <paramref name="testFile"/> (relative to the repository) between "// {region}: begin" and
    /// "// {region}: end", with the indentation of the first line removed from each, ending in a newline.</summary>
    public static string Marked(string testFile, string region)
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), testFile));
        int begin = Array.FindIndex(lines, l => l.Trim() == $"// {region}: begin");
        int end = Array.FindIndex(lines, l => l.Trim() == $"// {region}: end");
        if (begin < 0 || end <= begin) throw new InvalidOperationException($"{testFile} marks no region '{region}'.");
        string[] code = lines[(begin + 1)..end];
        int indent = code[0].Length - code[0].TrimStart().Length;
        return string.Join("\n", code.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())) + "\n";
    }

    /// <summary>The regions of <paramref name="testFile"/> that <paramref name="page"/> (both relative to the
    /// repository) does not hold verbatim.</summary>
    public static string[] RegionsMissingFrom(string page, string testFile, params string[] regions)
    {
        string text = Page(page);
        return regions.Where(region => !text.Contains(Marked(testFile, region), StringComparison.Ordinal)).ToArray();
    }

    /// <summary>A file of the repository (relative path) as text with "\n" line ends.</summary>
    public static string Page(string relativePath) =>
        File.ReadAllText(Path.Combine(RepositoryRoot(), relativePath)).ReplaceLineEndings("\n");

    /// <summary>The folder holding LstmAe.sln, above the test's output folder.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LstmAe.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No LstmAe.sln above {AppContext.BaseDirectory}.");
    }
}
