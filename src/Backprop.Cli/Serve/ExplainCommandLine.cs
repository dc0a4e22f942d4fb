using System.Text.RegularExpressions;
using Backprop.Cli.Commands;

namespace Backprop.Cli.Serve;

/// <summary>
/// The `backprop explain …` command that reproduces a state of the live page: the same options the page's step was
/// run with, written for a POSIX shell (arguments with spaces, quotes, brackets or ';' in single quotes).
/// </summary>
internal static partial class ExplainCommandLine
{
    /// <summary>The explain options for <paramref name="settings"/>, leaving out the ones that are explain's defaults anyway.</summary>
    public static IReadOnlyList<string> Arguments(SampleSettings settings, string language, string? weight)
    {
        var args = new List<string> { "--layers", settings.Layers ?? "3,2,3", "--activation", settings.Activation };
        if (settings.OutputActivation is not null)
        {
            args.AddRange(["--output-activation", settings.OutputActivation]);
        }
        args.AddRange(["--loss", settings.Loss, "--lr", LiveExplain.N(settings.LearningRate)]);
        if (settings.Seed is long seed)
        {
            args.AddRange(["--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        if (settings.Weights is not null)
        {
            args.AddRange(["--weights", settings.Weights]);
        }
        if (settings.Input is not null)
        {
            args.AddRange(["--input", settings.Input]);
        }
        if (settings.Target is not null)
        {
            args.AddRange(["--target", settings.Target]);
        }
        if (settings.Digits != 8)
        {
            args.AddRange(["--digits", settings.Digits.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        if (language != "en")
        {
            args.AddRange(["--lang", language]);
        }
        if (weight is not null)
        {
            args.AddRange(["--weight", weight]);
        }
        return args;
    }

    /// <summary>"backprop explain" and the arguments, each quoted for a POSIX shell where it needs to be.</summary>
    public static string Format(IReadOnlyList<string> arguments) =>
        "backprop explain " + string.Join(" ", arguments.Select(Quote));

    private static string Quote(string argument) =>
        Plain().IsMatch(argument) ? argument : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^[A-Za-z0-9_.,:=+/-]+$")]
    private static partial Regex Plain();
}
