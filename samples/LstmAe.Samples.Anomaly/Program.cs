using LstmAe.Samples.Anomaly;

// "--tiny" runs in seconds (for tests and a quick look); the default takes about a minute.
var settings = args.Contains("--tiny") ? AnomalySettings.Tiny : AnomalySettings.Default;
if (args.Any(a => a is not "--tiny"))
{
    Console.Error.WriteLine($"lstmae-anomaly: unknown argument '{args.First(a => a is not "--tiny")}'; the only option is --tiny.");
    return 2;
}
new AnomalyDetectionSample(settings, Console.Out).Run();
return 0;
