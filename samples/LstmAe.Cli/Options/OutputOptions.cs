using System.CommandLine;
using LstmAe.Samples.Shared;

namespace LstmAe.Cli.Options;

/// <summary><c>--output</c> and <c>--force</c>: where a command writes, and whether it may replace what is there.</summary>
internal sealed class OutputOptions
{
    public OutputOptions(string description)
    {
        Output = new Option<string>("--output", "-o") { Description = description, Required = true };
        Force = new Option<bool>("--force") { Description = "Replace existing files; without it the command refuses to overwrite anything." };
    }

    public Option<string> Output { get; }

    public Option<bool> Force { get; }

    public void AddTo(Command command)
    {
        command.Add(Output);
        command.Add(Force);
    }

    /// <summary>The output file, after checking it may be written: refuses an existing file unless --force.</summary>
    public string File(ParseResult parsed) => PrepareFile(parsed.GetRequiredValue(Output), parsed.GetValue(Force));

    /// <summary>The full path of an output file, checked and its folder created before any work: refuses a folder,
    /// and an existing file unless <paramref name="force"/>.</summary>
    public static string PrepareFile(string file, bool force)
    {
        string path = Path.GetFullPath(file);
        if (Directory.Exists(path))
        {
            throw new CliException($"'{path}' is a folder; --output needs a file name here.", ExitCodes.Usage);
        }
        if (System.IO.File.Exists(path) && !force)
        {
            throw new CliException($"'{path}' already exists; pass --force to overwrite it.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>The output folder, created if needed: refuses a non-empty folder unless --force.</summary>
    public string Folder(ParseResult parsed) =>
        OutputFolders.Prepare(parsed.GetRequiredValue(Output), parsed.GetValue(Force), "files of the same name are replaced");
}
