using System.CommandLine;
using LstmAe.Cli.Options;
using LstmAe.Model;
using LstmAe.Samples.Shared;

namespace LstmAe.Cli.Commands;

/// <summary><c>lstmae import-pytorch</c>: a PyTorch state_dict plus its architecture become a model file.</summary>
internal static class ImportPyTorchCommand
{
    public static Command Create(TextWriter output)
    {
        var stateDict = new Option<string>("--state-dict", "-s")
        {
            Description = "A file saved by torch.save(model.state_dict(), path) for the PyTorch tutorial's layout.",
            Required = true,
        };
        stateDict.Validators.Add(result =>
        {
            string? path = result.GetValueOrDefault<string>();
            if (!File.Exists(path))
            {
                result.AddError($"--state-dict '{path}' is not a file.");
            }
        });
        var frameHeight = new Option<int>("--frame-height") { Description = $"Frame height in pixels (at most {SizeLimits.MaxFrameSide}).", DefaultValueFactory = _ => 64 };
        var frameWidth = new Option<int>("--frame-width") { Description = $"Frame width in pixels (at most {SizeLimits.MaxFrameSide}).", DefaultValueFactory = _ => 64 };
        frameHeight.RequirePositive(SizeLimits.MaxFrameSide);
        frameWidth.RequirePositive(SizeLimits.MaxFrameSide);
        var architecture = new ArchitectureOptions();
        var target = new OutputOptions($"The model file to write (*{ModelFile.Extension}).");
        var command = new Command("import-pytorch", "Turn a PyTorch state_dict into a model file; give the architecture it was trained with.")
        {
            stateDict, frameHeight, frameWidth,
        };
        architecture.AddTo(command);
        target.AddTo(command);
        command.SetAction(parsed =>
        {
            string path = target.File(parsed);
            var options = architecture.Build(parsed, parsed.GetValue(frameHeight), parsed.GetValue(frameWidth), forTraining: false);
            using var model = LstmAutoEncoder.Create(options);
            model.LoadPyTorchStateDict(parsed.GetRequiredValue(stateDict));
            ModelFile.Save(model, path);
            output.WriteLine($"Imported {parsed.GetRequiredValue(stateDict)} into {path}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
