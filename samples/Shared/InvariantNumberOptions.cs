using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LstmAe.Samples.Shared;

/// <summary>
/// Number options read with the invariant culture, so "0.004" means the same on every machine (System.CommandLine
/// parses with the current culture: on a German system the '.' is a thousands separator and "0.004" reads as 4),
/// and checked in the same place, so a bad value is a one-line usage error instead of an exception from a validator
/// that reads a value which failed to parse.
/// </summary>
internal static class InvariantNumberOptions
{
    /// <summary>Reads the option's value with a '.' decimal point and rejects values outside <paramref name="isValid"/>.</summary>
    /// <param name="option">The option.</param>
    /// <param name="isValid">True for an acceptable value.</param>
    /// <param name="requirement">What a value must be, completing "--name must ...", e.g. "be positive".</param>
    /// <returns>The same option, for chaining.</returns>
    public static Option<double> ParseInvariant(this Option<double> option, Func<double, bool> isValid, string requirement)
    {
        option.CustomParser = result => Parse(result, option.Name, isValid, requirement) ?? 0;
        return option;
    }

    /// <inheritdoc cref="ParseInvariant(Option{double}, Func{double, bool}, string)"/>
    public static Option<double?> ParseInvariant(this Option<double?> option, Func<double, bool> isValid, string requirement)
    {
        option.CustomParser = result => Parse(result, option.Name, isValid, requirement);
        return option;
    }

    private static double? Parse(ArgumentResult result, string name, Func<double, bool> isValid, string requirement)
    {
        string text = string.Join(' ', result.Tokens.Select(token => token.Value));
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            result.AddError($"{name} must be a number written with a '.' decimal point, such as 0.001; got '{text}'.");
            return null;
        }
        if (!isValid(value))
        {
            result.AddError($"{name} must {requirement}; got {value.ToString(CultureInfo.InvariantCulture)}.");
            return null;
        }
        return value;
    }
}
