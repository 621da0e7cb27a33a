using System.CommandLine;

namespace LstmAe.Samples.Shared;

/// <summary>The sample apps' check of counts and sizes given on the command line, with one wording everywhere.</summary>
internal static class PositiveOptions
{
    /// <summary>Makes the parser reject a value of zero or less.</summary>
    /// <returns>The same option, for chaining.</returns>
    public static Option<int> RequirePositive(this Option<int> option)
    {
        option.Validators.Add(result => Check(result, option.Name, result.GetValueOrDefault<int>()));
        return option;
    }

    /// <summary>Makes the parser reject a given value of zero or less; leaving the option out stays allowed.</summary>
    /// <returns>The same option, for chaining.</returns>
    public static Option<int?> RequirePositive(this Option<int?> option)
    {
        option.Validators.Add(result => Check(result, option.Name, result.GetValueOrDefault<int?>()));
        return option;
    }

    private static void Check(System.CommandLine.Parsing.OptionResult result, string name, int? value)
    {
        if (value <= 0)
        {
            result.AddError($"{name} must be positive; got {value}.");
        }
    }
}
