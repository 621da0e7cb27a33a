using System.CommandLine;
using LstmAe.Samples.Shared;

namespace LstmAe.Cli.Options;

/// <summary><c>--model</c>: an existing model file to use.</summary>
internal static class ModelOptions
{
    public static Option<string> CreateModelOption() => new("--model", "-m")
    {
        Description = $"The model file (written by 'lstmae train' or 'import-pytorch', usually *{ModelFile.Extension}).",
        Required = true,
    };

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
