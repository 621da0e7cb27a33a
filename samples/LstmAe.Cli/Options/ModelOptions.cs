using System.CommandLine;
using LstmAe.Samples.Shared;

namespace LstmAe.Cli.Options;

/// <summary><c>--model</c>: an existing model file to use.</summary>
internal static class ModelOptions
{
    /// <summary>The option; a path that names no file is a bad argument, like any other option's.</summary>
    public static Option<string> CreateModelOption()
    {
        var option = new Option<string>("--model", "-m")
        {
            Description = $"The model file (written by 'lstmae train' or 'import-pytorch', usually *{ModelFile.Extension}).",
            Required = true,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } path && !File.Exists(path))
                result.AddError($"--model '{path}' is not a file.");
        });
        return option;
    }

    public static Option<int> CreateBatchSizeOption(int defaultValue)
    {
        var option = new Option<int>("--batch-size")
        {
            Description = "Sequences per batch.",
            DefaultValueFactory = _ => defaultValue,
        };
        return option.RequirePositive();
    }
}
