using LstmAe.Benchmarks;

// Usage: dotnet run -c Release --project benchmarks/LstmAe.Benchmarks -- [suite ...] [--quick] [--device cpu|cuda|cuda:N]
// With no suite named, every suite runs. Run with OMP_WAIT_POLICY=PASSIVE (see docs/platform.md).
// A CUDA device without CUDA falls back to the CPU with a warning, as training does.
IBenchmarkSuite[] suites = typeof(Program).Assembly.GetTypes()
    .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToArray();

bool quick = args.Contains("--quick");
int deviceAt = Array.IndexOf(args, "--device");
string requestedDevice = deviceAt >= 0 && deviceAt + 1 < args.Length ? args[deviceAt + 1] : "cpu";
string[] wanted = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (deviceAt < 0 || i != deviceAt + 1)).ToArray();
string[] unknown = wanted.Where(w => suites.All(s => s.Name != w)).ToArray();
bool badDevice = (deviceAt >= 0 && deviceAt + 1 >= args.Length) || !LstmAe.Model.TorchDevices.IsKnown(requestedDevice);
if (args.Contains("--help") || unknown.Length > 0 || badDevice)
{
    if (unknown.Length > 0) Console.Error.WriteLine($"Unknown suite(s): {string.Join(", ", unknown)}");
    if (badDevice) Console.Error.WriteLine($"--device takes {LstmAe.Model.TorchDevices.Accepted}; got '{requestedDevice}'.");
    Console.WriteLine("Suites:");
    foreach (IBenchmarkSuite s in suites) Console.WriteLine($"  {s.Name,-10} {s.Description}");
    Console.WriteLine("Options: --quick (a smoke run), --device cpu|cuda|cuda:N (where models run; default cpu)");
    return unknown.Length > 0 || badDevice ? 2 : 0;
}

string device = LstmAe.Model.TorchDevices.Resolve(requestedDevice, "benchmarking", out string? warning);
if (warning is not null) Console.WriteLine($"warning: {warning}");
var settings = new BenchmarkSettings(quick, device);

Console.WriteLine($"Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformationText()}");
Console.WriteLine($"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"}");
Console.WriteLine($"Device: {DeviceDescription.Of(device)}");
foreach (IBenchmarkSuite suite in suites.Where(s => wanted.Length == 0 || wanted.Contains(s.Name)))
{
    Console.WriteLine();
    Console.WriteLine($"## {suite.Name}: {suite.Description}");
    suite.Run(settings);
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
