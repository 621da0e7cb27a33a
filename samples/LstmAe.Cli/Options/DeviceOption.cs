using System.CommandLine;
using LstmAe.Model;

namespace LstmAe.Cli.Options;

/// <summary><c>--device</c>: where the model runs. Validated like the ML.NET estimator's Device option; a CUDA device
/// without CUDA falls back to the CPU with a warning line on the output.</summary>
internal sealed class DeviceOption
{
    public Option<string> Option { get; } = new("--device")
    {
        Description = "Where the model runs: cpu, cuda (the first GPU) or cuda:N (GPU N). Without CUDA, cuda falls back to the CPU with a warning.",
        DefaultValueFactory = _ => "cpu",
        CustomParser = result =>
        {
            string text = string.Join(' ', result.Tokens.Select(token => token.Value));
            if (!TorchDevices.IsKnown(text))
            {
                result.AddError($"--device must be cpu, cuda or cuda:N (such as cuda:1); got '{text}'.");
            }
            return text;
        },
    };

    /// <summary>The device to use: the one given, or "cpu" after a warning on <paramref name="output"/> when it
    /// names a CUDA device and CUDA is unavailable.</summary>
    public string Resolve(ParseResult parsed, string purpose, TextWriter output)
    {
        string device = TorchDevices.Resolve(parsed.GetValue(Option)!, purpose, out string? warning);
        if (warning is not null)
        {
            output.WriteLine($"warning: {warning}");
        }
        return device;
    }
}
