using System.CommandLine;
using LstmAe.Samples.Shared;

namespace LstmAe.Samples.OnnxScoring;

/// <summary>The training half's command line: <c>--output</c>, <c>--force</c>, <c>--tiny</c>. Callable in-process.</summary>
public static class OnnxSampleApp
{
    /// <summary>The sample's name in help and errors.</summary>
    public const string Name = "lstmae-onnx-train";

    /// <summary>Parses the arguments and runs the training half.</summary>
    /// <returns>0 on success, 1 when the run failed, 2 for bad arguments.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var outputFolder = new Option<string>("--output", "-o") { Description = "Folder for the exported encoder, the classifier and the clips to score.", DefaultValueFactory = _ => "lstmae-onnx" };
        var force = new Option<bool>("--force") { Description = "Write into a non-empty output folder, replacing the sample's files." };
        var tiny = new Option<bool>("--tiny") { Description = "A seconds-long run on 32x32 frames with a tiny model, to check the plumbing." };
        var root = new RootCommand("Train LstmAutoEncode and a digit classifier with ML.NET, export the encoder to ONNX, and write new clips for the TorchSharp-free scorer (lstmae-onnx-score).")
        {
            outputFolder, force, tiny,
        };
        root.SetAction(parsed =>
        {
            var settings = (parsed.GetValue(tiny) ? OnnxSampleSettings.Tiny : OnnxSampleSettings.Default) with
            {
                OutputFolder = parsed.GetValue(outputFolder)!,
                Force = parsed.GetValue(force),
            };
            new OnnxExportSample(settings, output).Run();
            return 0;
        });
        return CommandLineErrors.Invoke(root.Parse(args), Name, output, error);
    }
}
