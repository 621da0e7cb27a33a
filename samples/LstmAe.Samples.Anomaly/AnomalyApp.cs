using System.CommandLine;
using LstmAe.Samples.Shared;

namespace LstmAe.Samples.Anomaly;

/// <summary>The anomaly sample's command line: <c>--tiny</c> or the full run, and <c>--help</c>. Callable in-process by tests.</summary>
public static class AnomalyApp
{
    /// <summary>The sample's name in help and errors.</summary>
    public const string Name = "lstmae-anomaly";

    /// <summary>Parses the arguments and runs the sample; it prints its report and writes no files.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Receives the report and help.</param>
    /// <param name="error">Receives the one-line error, if any.</param>
    /// <returns>0 on success, 1 when the run failed, 2 for bad arguments.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var tiny = new Option<bool>("--tiny") { Description = "A seconds-long run on a small plant with a tiny model; the default takes under a minute on 2 cores." };
        var root = new RootCommand("Anomaly detection on simulated sensor windows by the reconstruction error of an LSTM autoencoder (ML.NET).")
        {
            tiny,
        };
        root.SetAction(parsed =>
        {
            var settings = parsed.GetValue(tiny) ? AnomalySettings.Tiny : AnomalySettings.Default;
            new AnomalyDetectionSample(settings, output).Run();
            return 0;
        });
        return CommandLineErrors.Invoke(root.Parse(args), Name, output, error);
    }
}
