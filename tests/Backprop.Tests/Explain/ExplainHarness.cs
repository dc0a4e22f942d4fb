using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Tests.Explain;

/// <summary>Runs `backprop explain` in process and reads numbers back out of its renderings.</summary>
internal static partial class ExplainHarness
{
    public sealed record Result(int Exit, string Out, string Error);

    public static Result Run(params string[] args)
    {
        CliRunner.Result result = CliRunner.InProcess(["explain", .. args]);
        return new Result(result.ExitCode, result.Out, result.Error);
    }

    /// <summary>The 2-2-2 example's initial parameters, written to a temporary weights file.</summary>
    public static string ClassicWeightsFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"explain-222-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"W1": [[0.15, 0.20], [0.25, 0.30]], "b1": [0.35, 0.35], "W2": [[0.40, 0.45], [0.50, 0.55]], "b2": [0.60, 0.60]}""");
        return path;
    }

    public static string[] ClassicArgs(string weights) =>
        ["--layers", "2,2,2", "--activation", "sigmoid", "--loss", "mse", "--weights", weights, "--input", "0.05,0.10", "--target", "0.01,0.99", "--lr", "0.5"];

    /// <summary>
    /// The equation chains of a Markdown rendering: for each chain's left side and relation (e.g. "\mathbf{z}^{(3)}"
    /// and "="), the numbers of its last line, as printed. The first chain with a given key wins.
    /// </summary>
    public static Dictionary<(string Left, string Relation), string[]> MarkdownResults(string markdown)
    {
        var results = new Dictionary<(string, string), string[]>();
        foreach (Match block in MathBlock().Matches(markdown))
        {
            // Matrix rows sit on lines of their own, so rejoin the block and split it into the aligned chain's rows
            // at the \\ and & that are outside every matrix.
            string content = string.Join(" ", block.Groups[1].Value.Split('\n')
                .Where(l => !l.StartsWith(@"\begin{aligned}", StringComparison.Ordinal) && !l.StartsWith(@"\end{aligned}", StringComparison.Ordinal)));
            (string Left, string Relation)? key = null;
            string last = "";
            void Close()
            {
                if (key is { } k && !results.ContainsKey(k))
                {
                    results[k] = [.. Number().Matches(last).Select(m => m.Value)];
                }
            }
            foreach (string line in TopLevel(content, @"\\"))
            {
                string[] sides = TopLevel(line, "&");
                string left = sides[0].Trim();
                string rest = line[(sides[0].Length + 1)..].TrimStart();
                string relation = rest.StartsWith(@"\leftarrow", StringComparison.Ordinal) ? "←" : rest[..1];
                if (left.Length > 0)
                {
                    Close();
                    key = (left, relation);
                }
                last = rest;
            }
            Close();
        }
        return results;
    }

    /// <summary>Splits LaTeX at a separator that is outside every \begin … \end environment.</summary>
    private static string[] TopLevel(string tex, string separator)
    {
        var parts = new List<string>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < tex.Length; i++)
        {
            if (string.CompareOrdinal(tex, i, @"\begin{", 0, 7) == 0)
            {
                depth++;
            }
            else if (string.CompareOrdinal(tex, i, @"\end{", 0, 5) == 0)
            {
                depth--;
            }
            else if (depth == 0 && string.CompareOrdinal(tex, i, separator, 0, separator.Length) == 0)
            {
                parts.Add(tex[start..i]);
                i += separator.Length - 1;
                start = i + 1;
            }
        }
        parts.Add(tex[start..]);
        return [.. parts];
    }

    /// <summary>True when a printed number equals the reference to the decimals printed (half a unit in the last place).</summary>
    public static bool AgreesAtPrintedPrecision(string printed, double reference, int referenceDecimals = 17)
    {
        double value = double.Parse(printed, NumberStyles.Float, CultureInfo.InvariantCulture);
        int decimals = printed.Contains('.', StringComparison.Ordinal) ? printed.Length - printed.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        return Math.Abs(value - reference) <= 0.5 * Math.Pow(10, -decimals) + 0.5 * Math.Pow(10, -referenceDecimals) + 1e-15;
    }

    public static void AssertValues(Dictionary<(string, string), string[]> results, string left, string relation, double[] golden, int goldenDecimals = 17)
    {
        Assert.True(results.TryGetValue((left, relation), out string[]? printed), $"no equation for {left} {relation} in the output");
        Assert.True(printed!.Length == golden.Length, $"{left}: printed {printed.Length} numbers ({string.Join(", ", printed)}), expected {golden.Length}");
        for (int i = 0; i < golden.Length; i++)
        {
            Assert.True(AgreesAtPrintedPrecision(printed[i], golden[i], goldenDecimals),
                $"{left}[{i}]: printed {printed[i]}, reference {golden[i].ToString("R", CultureInfo.InvariantCulture)}");
        }
    }

    [GeneratedRegex(@"\$\$\n(.*?)\n\$\$", RegexOptions.Singleline)]
    private static partial Regex MathBlock();

    [GeneratedRegex(@"-?\d+\.\d+(?:E[+-]\d+)?")]
    private static partial Regex Number();
}
