using System.CommandLine;
using LstmAe.Cli.Options;

namespace LstmAe.Cli.Commands;

/// <summary><c>lstmae export-pytorch</c>: a model file's weights as a PyTorch state_dict.</summary>
internal static class ExportPyTorchCommand
{
    public static Command Create(TextWriter output)
    {
        var model = ModelOptions.CreateModelOption();
        var target = new OutputOptions("The state_dict file to write (*.pt); torch.load reads it.");
        var command = new Command("export-pytorch", "Write a model's weights as a PyTorch state_dict (the PyTorch tutorial's parameter names).")
        {
            model,
        };
        target.AddTo(command);
        command.SetAction(parsed =>
        {
            string path = target.File(parsed);
            using var autoEncoder = ModelFile.Load(parsed.GetRequiredValue(model));
            autoEncoder.SavePyTorchStateDict(path); // atomic: a file already there survives a failure
            output.WriteLine($"Wrote the weights of {parsed.GetRequiredValue(model)} to {path}.");
            output.WriteLine($"Its architecture: {autoEncoder.Options.ToJson()}");
            return ExitCodes.Success;
        });
        return command;
    }
}
