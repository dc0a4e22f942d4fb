using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Backprop.Cli;

/// <summary>
/// Parses every numeric option of the command tree the same way, with messages that name the option and say what is
/// wrong ("--epochs: '1.5' is not a whole number"), instead of System.CommandLine's, which name .NET types
/// ("System.Nullable`1[System.Int32]"). Numbers are read in the invariant culture without thousands separators, so
/// "--lr 0,001" is refused rather than read as 1.
/// </summary>
internal static class OptionParsers
{
    /// <summary>Gives every int, long and double option (nullable or not) under <paramref name="command"/> these parsers.</summary>
    public static void Apply(Command command)
    {
        foreach (Option option in command.Options)
        {
            switch (option)
            {
                case Option<int> o:
                    o.CustomParser = r => WholeNumber(r, o.Name, int.MinValue, int.MaxValue) is long v ? (int)v : default;
                    break;
                case Option<int?> o:
                    o.CustomParser = r => WholeNumber(r, o.Name, int.MinValue, int.MaxValue) is long v ? (int)v : null;
                    break;
                case Option<long> o:
                    o.CustomParser = r => WholeNumber(r, o.Name, long.MinValue, long.MaxValue) ?? default;
                    break;
                case Option<long?> o:
                    o.CustomParser = r => WholeNumber(r, o.Name, long.MinValue, long.MaxValue);
                    break;
                case Option<double> o:
                    o.CustomParser = r => Number(r, o.Name) ?? default;
                    break;
                case Option<double?> o:
                    o.CustomParser = r => Number(r, o.Name);
                    break;
            }
        }
        foreach (Command sub in command.Subcommands)
        {
            Apply(sub);
        }
    }

    private static long? WholeNumber(ArgumentResult result, string option, long minimum, long maximum)
    {
        if (Text(result) is not string text)
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= minimum && value <= maximum)
        {
            return value;
        }
        bool numeric = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d);
        result.AddError(!numeric ? $"{option}: '{text}' is not a whole number"
            : d != Math.Floor(d) ? $"{option}: '{text}' is not a whole number"
            : d > maximum ? $"{option}: '{text}' is too large (at most {maximum.ToString(CultureInfo.InvariantCulture)})"
            : d < minimum ? $"{option}: '{text}' is too small (at least {minimum.ToString(CultureInfo.InvariantCulture)})"
            : $"{option}: '{text}' is not a whole number (write it without an exponent)");
        return null;
    }

    private static double? Number(ArgumentResult result, string option)
    {
        if (Text(result) is not string text)
        {
            return null;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }
        result.AddError(text.Contains(',', StringComparison.Ordinal) && !text.Contains('.', StringComparison.Ordinal)
            ? $"{option}: '{text}' is not a number (write decimals with a point: '{text.Replace(',', '.')}')"
            : $"{option}: '{text}' is not a number");
        return null;
    }

    // The option's one value; null when there is none (System.CommandLine reports a missing value itself).
    private static string? Text(ArgumentResult result) => result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
}
