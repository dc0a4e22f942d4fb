using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Backprop.Cli.Commands;

/// <summary>
/// The options that say how a CSV table's columns become features (--categorical, --max-categories, --na-values,
/// --impute), and the column table and warnings printed about them.
/// </summary>
internal sealed class FeatureOptions
{
    public Option<string?> Categorical { get; } = new("--categorical") { Description = "Columns of --data to one-hot encode even though they hold numbers (codes), comma-separated; 'all': every feature column" };

    public Option<int?> MaxCategories { get; } = new("--max-categories") { Description = $"Keep at most N one-hot columns per categorical column: the N − 1 most frequent values, the rest folded into one 'column=(other)' (default: a column with more than {PreprocessingOptions.DefaultMaxCategories} values is an error)" };

    public Option<string?> NaValues { get; } = new("--na-values") { Description = "The cells of --data that mean 'missing', comma-separated (default: NA,,?,NaN — the empty cell included)" };

    public Option<string?> Impute { get; } = new("--impute") { Description = "How to fill missing cells, fitted on the training split: mean, median, most-frequent or none (an error; default: mean for numeric, most-frequent for categorical columns)" };

    public IEnumerable<Option> All => [Categorical, MaxCategories, NaValues, Impute];

    /// <summary>The first of these options given on the command line, or null.</summary>
    public Option? FirstGiven(ParseResult parse) => All.FirstOrDefault(o => parse.GetResult(o) is not null);

    /// <summary>How to read a table for training.</summary>
    public TableReading Reading(ParseResult parse) => new()
    {
        MissingValues = MissingValues(parse) ?? TableReading.DefaultMissingValues,
        MissingIsError = ParseImpute(parse.GetValue(Impute)) == ImputeStrategy.None,
        Categorical = Names(parse.GetValue(Categorical)),
        AllCategorical = Names(parse.GetValue(Categorical)) is ["all"],
    };

    /// <summary>How to read new data for a model's preprocessing (--na-values may replace its missing values).</summary>
    public TableReading Reading(ParseResult parse, Preprocessor preprocessor)
    {
        foreach (Option option in new Option[] { Categorical, MaxCategories, Impute })
        {
            if (parse.GetResult(option) is not null)
            {
                throw new UsageException($"{option.Name}: the model treats its columns as it was trained to (its preprocessing is stored in it); leave the option out");
            }
        }
        TableReading reading = preprocessor.Reading;
        return MissingValues(parse) is { } missing ? reading with { MissingValues = missing } : reading;
    }

    public PreprocessingOptions Options(ParseResult parse)
    {
        int? max = parse.GetValue(MaxCategories);
        if (max is int n)
        {
            OptionValues.AtLeast("--max-categories", n, 2);
        }
        return new PreprocessingOptions
        {
            Impute = ParseImpute(parse.GetValue(Impute)),
            MaxCategories = max ?? PreprocessingOptions.DefaultMaxCategories,
            FoldRareCategories = max is not null,
        };
    }

    /// <summary>The missing values that --na-values gives, or null.</summary>
    public IReadOnlyList<string>? MissingValues(ParseResult parse)
        => parse.GetValue(NaValues) is string text ? [.. text.Split(',').Select(v => v.Trim())] : null;

    /// <summary>Checks that every --categorical column is in the table (a misspelt name would pass silently).</summary>
    public void CheckCategorical(ParseResult parse, Dataset<float> table, string source)
    {
        string[] names = Names(parse.GetValue(Categorical));
        if (names is ["all"] && !table.FeatureNames.Contains("all", StringComparer.Ordinal))
        {
            return;
        }
        foreach (string name in names)
        {
            if (!table.FeatureNames.Contains(name, StringComparer.Ordinal))
            {
                throw new UsageException($"--categorical: {source} has no feature column '{name}' (its columns are {NameList.Abbreviate(table.FeatureNames)})");
            }
        }
    }

    /// <summary>The column table printed before training: name, kind, treatment, missing cells, fill, features.</summary>
    public static string Table(Preprocessor preprocessor, int rows)
    {
        var lines = new List<string[]> { new[] { "Column", "Kind", "Treatment", "Missing", "Filled with", "Features" } };
        foreach (PreprocessedColumn c in preprocessor.Columns)
        {
            lines.Add([
                c.Name,
                c.IsCategorical ? "text" : "numeric",
                Preprocessor.Describe(c.Treatment) + (c.HasOther ? $", {c.Categories.Count} + (other)" : ""),
                c.MissingCount.ToString(CultureInfo.InvariantCulture),
                c.IsUsed && c.MissingCount > 0 ? c.FillText : "",
                c.FeatureNames.Count.ToString(CultureInfo.InvariantCulture),
            ]);
        }
        int[] widths = [.. Enumerable.Range(0, lines[0].Length).Select(col => lines.Max(r => r[col].Length))];
        string rule = new('─', widths.Sum() + 2 * (widths.Length - 1));
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Columns: {preprocessor.Columns.Count} read from {rows} rows, {preprocessor.FeatureNames.Count} features (fills and categories from the training split)");
        sb.AppendLine(rule);
        for (int r = 0; r < lines.Count; r++)
        {
            var line = new StringBuilder();
            for (int col = 0; col < widths.Length; col++)
            {
                string cell = lines[r][col];
                line.Append(col is 3 or 5 ? cell.PadLeft(widths[col]) + "  " : cell.PadRight(widths[col] + 2));
            }
            sb.AppendLine(line.ToString().TrimEnd());
            if (r == 0)
            {
                sb.AppendLine(rule);
            }
        }
        sb.Append(rule);
        return sb.ToString();
    }

    /// <summary>
    /// Warnings about columns that are not used as they are (dropped, filled) and about categories not seen in
    /// training: said on standard error even with --quiet, since a column that silently changes is how data is lost.
    /// </summary>
    public static IEnumerable<string> Warnings(string source, Preprocessor preprocessor)
    {
        PreprocessedColumn[] dropped = [.. preprocessor.Columns.Where(c => !c.IsUsed)];
        if (dropped.Length > 0)
        {
            yield return $"warning: {source}: {dropped.Length} column{(dropped.Length == 1 ? " is" : "s are")} dropped: "
                + string.Join(", ", dropped.Select(c => $"{c.Name} ({(c.Treatment == ColumnTreatment.DroppedConstant ? "constant" : "every value distinct, an id")})"));
        }
    }

    /// <summary>Warnings about what a transformation filled and could not encode (unseen categories).</summary>
    public static IEnumerable<string> Warnings(string source, PreprocessedData data, string rows)
    {
        if (data.UnseenCategories.Count > 0)
        {
            yield return $"warning: {source}: {Count(data.UnseenCategories)} cell{(Count(data.UnseenCategories) == 1 ? "" : "s")} of the {rows} hold categories not seen in training, encoded as all zeros: "
                + string.Join(", ", data.UnseenCategories.Select(p => $"{p.Key} {p.Value}"));
        }
    }

    /// <summary>One line on the missing cells filled in <paramref name="data"/>, or null when none were.</summary>
    public static string? Filled(PreprocessedData data)
        => data.FilledCells.Count == 0 ? null
            : $"filled {Count(data.FilledCells)} missing cell{(Count(data.FilledCells) == 1 ? "" : "s")}: " + string.Join(", ", data.FilledCells.Select(p => $"{p.Key} {p.Value}"));

    private static int Count(IReadOnlyDictionary<string, int> counts) => counts.Values.Sum();

    private static string[] Names(string? list)
        => list is null ? [] : [.. list.Split(',').Select(n => n.Trim()).Where(n => n.Length > 0)];

    private static ImputeStrategy ParseImpute(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => ImputeStrategy.Default,
        "mean" => ImputeStrategy.Mean,
        "median" => ImputeStrategy.Median,
        "most-frequent" or "most_frequent" or "mode" => ImputeStrategy.MostFrequent,
        "none" => ImputeStrategy.None,
        _ => throw new UsageException($"--impute: unknown strategy '{text}' (expected mean, median, most-frequent or none)"),
    };
}
