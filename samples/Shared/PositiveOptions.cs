using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LstmAe.Samples.Shared;

/// <summary>
/// The sample apps' check of counts and sizes given on the command line, with one wording everywhere. The value is
/// read here (invariant culture, digits only) rather than in a validator after System.CommandLine's own parse: a
/// validator that reads a value which failed to parse throws instead of reporting (a stack trace for
/// "--epochs abc"), while here every bad value is a one-line usage error.
/// </summary>
internal static class PositiveOptions
{
    /// <summary>Makes the parser reject a value that is not a whole number in [1, <paramref name="maximum"/>].</summary>
    /// <param name="option">The option.</param>
    /// <param name="maximum">The largest value accepted; the option's description should state a limit below
    /// <see cref="int.MaxValue"/>.</param>
    /// <returns>The same option, for chaining.</returns>
    public static Option<int> RequirePositive(this Option<int> option, int maximum = int.MaxValue)
    {
        option.CustomParser = result => (int)(Parse(result, option.Name, maximum) ?? 0);
        return option;
    }

    /// <summary>Makes the parser reject a given value that is not a whole number in [1, <paramref name="maximum"/>];
    /// leaving the option out stays allowed.</summary>
    /// <inheritdoc cref="RequirePositive(Option{int}, int)"/>
    public static Option<int?> RequirePositive(this Option<int?> option, int maximum = int.MaxValue)
    {
        option.CustomParser = result => (int?)Parse(result, option.Name, maximum);
        return option;
    }

    /// <summary>Makes the parser reject a given value that is not a whole number in [1, <see cref="long.MaxValue"/>];
    /// leaving the option out stays allowed.</summary>
    /// <returns>The same option, for chaining.</returns>
    public static Option<long?> RequirePositive(this Option<long?> option)
    {
        option.CustomParser = result => Parse(result, option.Name, long.MaxValue);
        return option;
    }

    private static long? Parse(ArgumentResult result, string name, long maximum)
    {
        string text = string.Join(' ', result.Tokens.Select(token => token.Value));
        // Digits with an optional sign only: "1e3", "64.0", "5x" and "1,000" are mistakes, not numbers to round.
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            result.AddError(text.TrimStart('-', '+') is { Length: > 0 } digits && digits.All(char.IsAsciiDigit)
                ? $"{name} must be a whole number from 1 to {maximum}; got {text}."
                : $"{name} must be a whole number, such as 10; got '{text}'.");
            return null;
        }
        if (value <= 0)
        {
            result.AddError($"{name} must be positive; got {value}.");
            return null;
        }
        if (value > maximum)
        {
            result.AddError($"{name} must be a whole number from 1 to {maximum}; got {value}.");
            return null;
        }
        return value;
    }
}
