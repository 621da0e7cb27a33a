using LstmAe.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks/LstmAe.Benchmarks -- [suite ...] [--quick]
// With no suite named, every suite runs. Run with OMP_WAIT_POLICY=PASSIVE (see README, Platform notes).
IBenchmarkSuite[] suites = typeof(Program).Assembly.GetTypes()
    .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToArray();

bool quick = args.Contains("--quick");
string[] wanted = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
string[] unknown = wanted.Where(w => suites.All(s => s.Name != w)).ToArray();
if (args.Contains("--help") || unknown.Length > 0)
{
    if (unknown.Length > 0) Console.Error.WriteLine($"Unknown suite(s): {string.Join(", ", unknown)}");
    Console.WriteLine("Suites:");
    foreach (IBenchmarkSuite s in suites) Console.WriteLine($"  {s.Name,-10} {s.Description}");
    return unknown.Length > 0 ? 2 : 0;
}

Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformationText()}");
Console.WriteLine($"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"}");
foreach (IBenchmarkSuite suite in suites.Where(s => wanted.Length == 0 || wanted.Contains(s.Name)))
{
    Console.WriteLine();
    Console.WriteLine($"## {suite.Name}: {suite.Description}");
    suite.Run(quick);
}
return 0;

static string RuntimeInformationText() =>
    $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, " +
    $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB";

/// <summary>Entry point holder, so suites can be found through its assembly.</summary>
internal sealed partial class Program
{
    private Program() { }
}
