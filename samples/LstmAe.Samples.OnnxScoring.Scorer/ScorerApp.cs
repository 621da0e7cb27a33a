using System.CommandLine;
using LstmAe.Samples.Shared;

namespace LstmAe.Samples.OnnxScoring.Scorer;

/// <summary>The scorer's command line: <c>--folder</c>, the training half's output folder. Callable in-process.</summary>
public static class ScorerApp
{
    /// <summary>The scorer's name in help and errors.</summary>
    public const string Name = "lstmae-onnx-score";

    /// <summary>Parses the arguments and scores the clips in the folder with the exported encoder.</summary>
    /// <returns>0 on success, 1 when the run failed, 2 for bad arguments.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var folder = new Option<string>("--folder")
        {
            Description = "The folder the training half (LstmAe.Samples.OnnxScoring) wrote.",
            Required = true,
        };
        var root = new RootCommand("Scores new clips with an exported LSTM autoencoder (ApplyOnnxModel) and the downstream classifier, without TorchSharp.")
        {
            folder,
        };
        root.SetAction(parsed =>
        {
            new OnnxScoring(Path.GetFullPath(parsed.GetRequiredValue(folder)), output).Run();
            return 0;
        });
        return CommandLineErrors.Invoke(root.Parse(args), Name, output, error);
    }
}
