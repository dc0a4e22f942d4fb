using System.Globalization;

namespace Backprop.Preprocessing;

/// <summary>
/// A fitted treatment for every column of a table (read with <see cref="CsvDatasetOptions.Table"/>): numeric columns
/// have their missing cells filled, text columns are one-hot encoded ("island=Biscoe"), constant and id-like columns
/// are dropped. It is fitted on the training rows only and stored with the model, so new rows are turned into features
/// exactly as the training rows were. The scaling that follows is the model's <see cref="FeatureScaler"/>
/// (<see cref="FitScaler"/>), which leaves one-hot features as they are.
/// </summary>
/// <remarks>Immutable, so thread-safe.</remarks>
public sealed class Preprocessor
{
    /// <summary>Creates a preprocessor from its columns (as a model file holds them).</summary>
    /// <exception cref="ArgumentException">A name repeats, or no column gives a feature.</exception>
    internal Preprocessor(IReadOnlyList<PreprocessedColumn> columns, IReadOnlyList<string> missingValues)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(missingValues);
        if (columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            throw new ArgumentException("Column names must be distinct.", nameof(columns));
        }
        if (!columns.Any(c => c.IsUsed))
        {
            throw new ArgumentException("No column gives a feature: every one is dropped.", nameof(columns));
        }
        Columns = [.. columns];
        MissingValues = [.. missingValues];
        FeatureNames = [.. columns.SelectMany(c => c.FeatureNames)];
    }

    /// <summary>Every column of the table it was fitted on, dropped ones included, in table order.</summary>
    public IReadOnlyList<PreprocessedColumn> Columns { get; }

    /// <summary>The cells that were read as missing when it was fitted (see <see cref="TableReading.MissingValues"/>).</summary>
    public IReadOnlyList<string> MissingValues { get; }

    /// <summary>The features it produces, in order: a numeric column's name, "column=category" for one-hot columns.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The columns that give features: what new data must have.</summary>
    public IReadOnlyList<string> InputColumns => [.. Columns.Where(c => c.IsUsed).Select(c => c.Name)];

    /// <summary>
    /// How to read new data for this preprocessor: its missing values, its categorical columns as text and its numeric
    /// columns as numbers; missing cells are an error where nothing fills them.
    /// </summary>
    public TableReading Reading => new()
    {
        MissingValues = MissingValues,
        MissingIsError = Columns.Any(c => c.IsUsed && (c.IsCategorical ? c.FillCategory is null : double.IsNaN(c.Fill))),
        Categorical = [.. Columns.Where(c => c.IsUsed && c.IsCategorical).Select(c => c.Name)],
        Numeric = [.. Columns.Where(c => c.IsUsed && !c.IsCategorical).Select(c => c.Name)],
    };

    /// <summary>
    /// True when it changes nothing: every column is numeric and kept, and nothing was missing, so the table's cells are
    /// already the features.
    /// </summary>
    public bool IsIdentity => Columns.All(c => c.Treatment == ColumnTreatment.Numeric && c.MissingCount == 0);

    /// <summary>
    /// Fits a treatment for every column of <paramref name="table"/> (read with <see cref="CsvDatasetOptions.Table"/>;
    /// give only the training rows): a column with a single value is dropped, and so is a text column whose values are
    /// all distinct; a text column is one-hot encoded; fills come from the training rows.
    /// </summary>
    /// <param name="table">The training rows of a table.</param>
    /// <param name="options">How to treat the columns; null: the defaults.</param>
    /// <param name="missingValues">The cells that were read as missing (recorded for reading new data); null: <see cref="TableReading.DefaultMissingValues"/>.</param>
    /// <exception cref="ArgumentException">The data was not read as a table, or the options are out of range.</exception>
    /// <exception cref="InvalidDataException">A column has no value in the training rows, a categorical column has more
    /// categories than <see cref="PreprocessingOptions.MaxCategories"/> allows, or no column is left.</exception>
    public static Preprocessor Fit(Dataset<float> table, PreprocessingOptions? options = null, IReadOnlyList<string>? missingValues = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new PreprocessingOptions();
        IReadOnlyList<TableColumnInfo> columns = table.Columns
            ?? throw new ArgumentException("The data was not read as a table (CsvDatasetOptions.Table).", nameof(table));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCategories, 2, nameof(options));
        int rows = table.Count;
        int width = table.FeatureCount;
        ReadOnlySpan<float> x = table.Features;
        var fitted = new PreprocessedColumn[columns.Count];
        for (int j = 0; j < columns.Count; j++)
        {
            TableColumnInfo column = columns[j];
            var values = new List<float>(rows);
            for (int r = 0; r < rows; r++)
            {
                float v = x[r * width + j];
                if (!float.IsNaN(v))
                {
                    values.Add(v);
                }
            }
            if (values.Count == 0)
            {
                throw new InvalidDataException($"column '{column.Name}' has no values: all {rows} of its cells in the training rows are missing");
            }
            fitted[j] = column.IsText ? FitText(column, values, options) : FitNumber(column, values, options.Impute);
        }
        if (!fitted.Any(c => c.IsUsed))
        {
            throw new InvalidDataException($"no feature column is left: {string.Join(", ", fitted.Select(c => $"'{c.Name}' ({Describe(c.Treatment)})"))}");
        }
        return new Preprocessor(fitted, missingValues ?? TableReading.DefaultMissingValues);
    }

    private static PreprocessedColumn FitNumber(TableColumnInfo column, List<float> values, ImputeStrategy impute)
    {
        float min = values.Min();
        float max = values.Max();
        if (min == max)
        {
            return new PreprocessedColumn(column.Name, false, ColumnTreatment.DroppedConstant, column.MissingCount, double.NaN, null, [], false);
        }
        double fill = impute switch
        {
            ImputeStrategy.None => double.NaN,
            ImputeStrategy.Median => Median(values),
            ImputeStrategy.MostFrequent => values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key,
            _ => values.Sum(v => (double)v) / values.Count,
        };
        return new PreprocessedColumn(column.Name, false, ColumnTreatment.Numeric, column.MissingCount, fill, null, [], false);
    }

    private static double Median(List<float> values)
    {
        float[] sorted = [.. values.Order()];
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : ((double)sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
    }

    private static PreprocessedColumn FitText(TableColumnInfo column, List<float> codes, PreprocessingOptions options)
    {
        var counts = new int[column.Values.Count];
        foreach (float code in codes)
        {
            counts[(int)code]++;
        }
        // Categories by frequency (most first, ties in ordinal order): the order that decides what folding keeps.
        string[] byFrequency = [.. Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0)
            .OrderByDescending(c => counts[c]).ThenBy(c => column.Values[c], StringComparer.Ordinal).Select(c => column.Values[c])];
        string? fill = options.Impute == ImputeStrategy.None ? null : byFrequency[0];
        if (byFrequency.Length == 1)
        {
            return new PreprocessedColumn(column.Name, true, ColumnTreatment.DroppedConstant, column.MissingCount, double.NaN, null, [], false);
        }
        if (byFrequency.Length == codes.Count)
        {
            return new PreprocessedColumn(column.Name, true, ColumnTreatment.DroppedIdentifier, column.MissingCount, double.NaN, null, [], false);
        }
        bool fold = byFrequency.Length > options.MaxCategories;
        if (fold && !options.FoldRareCategories)
        {
            throw new InvalidDataException(
                $"column '{column.Name}' has {byFrequency.Length} categories, more than the {options.MaxCategories} one-hot columns a column may have; "
                + $"--max-categories N keeps the N − 1 most frequent and folds the rest into one column '{column.Name}={PreprocessedColumn.OtherCategory}'");
        }
        string[] kept = fold ? byFrequency[..(options.MaxCategories - 1)] : byFrequency;
        Array.Sort(kept, StringComparer.Ordinal);
        return new PreprocessedColumn(column.Name, true, ColumnTreatment.OneHot, column.MissingCount, double.NaN, fill, kept, fold);
    }

    /// <summary>
    /// Turns the rows of <paramref name="table"/> into features (unscaled, with the table's labels): missing cells
    /// filled, categories one-hot, dropped columns left out. A category not seen in training gives all zeros (or the
    /// "(other)" feature, when rare categories were folded) and is counted in the result.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="table"/> is null.</exception>
    /// <exception cref="InvalidDataException">A column it reads is not in the table, a numeric column holds text, or a
    /// cell is missing where nothing fills it.</exception>
    public PreprocessedData Transform(Dataset<float> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        int rows = table.Count;
        int width = table.FeatureCount;
        ReadOnlySpan<float> x = table.Features;
        int d = FeatureNames.Count;
        var features = new float[rows * d];
        var filled = new Dictionary<string, int>(StringComparer.Ordinal);
        var unseen = new Dictionary<string, int>(StringComparer.Ordinal);
        int offset = 0;
        foreach (PreprocessedColumn column in Columns.Where(c => c.IsUsed))
        {
            int j = IndexOf(table.FeatureNames, column.Name);
            if (j < 0)
            {
                throw new InvalidDataException($"no column '{column.Name}'; the model reads the columns {CsvDatasetReader.Abbreviate(InputColumns)}");
            }
            TableColumnInfo? read = table.Columns?[j];
            int filledCells = 0;
            int unseenCells = 0;
            if (column.Treatment == ColumnTreatment.Numeric)
            {
                if (read is { IsText: true })
                {
                    throw new InvalidDataException($"column '{column.Name}' holds text ('{read.Values[0]}') but the model reads it as numbers");
                }
                for (int r = 0; r < rows; r++)
                {
                    float v = x[r * width + j];
                    if (float.IsNaN(v))
                    {
                        if (double.IsNaN(column.Fill))
                        {
                            throw new InvalidDataException($"row {r + 1}, column '{column.Name}': the cell is missing and the model fills no missing cells in this column");
                        }
                        v = (float)column.Fill;
                        filledCells++;
                    }
                    features[r * d + offset] = v;
                }
            }
            else
            {
                // Each code (or number) of the table to the feature it sets: −1 for an unseen category.
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int c = 0; c < column.Categories.Count; c++)
                {
                    index[column.Categories[c]] = c;
                }
                int other = column.HasOther ? column.Categories.Count : -1;
                int width1 = column.FeatureNames.Count;
                int FeatureOf(string text) => index.TryGetValue(text, out int c) ? c : other;
                int[]? byCode = read is { IsText: true } ? [.. read.Values.Select(FeatureOf)] : null;
                int fillFeature = column.FillCategory is null ? -1 : FeatureOf(column.FillCategory);
                for (int r = 0; r < rows; r++)
                {
                    float v = x[r * width + j];
                    int feature;
                    if (float.IsNaN(v))
                    {
                        if (column.FillCategory is null)
                        {
                            throw new InvalidDataException($"row {r + 1}, column '{column.Name}': the cell is missing and the model fills no missing cells in this column");
                        }
                        feature = fillFeature;
                        filledCells++;
                    }
                    else
                    {
                        feature = byCode is not null ? byCode[(int)v] : FeatureOf(v.ToString("R", CultureInfo.InvariantCulture));
                        if (feature < 0)
                        {
                            unseenCells++;
                        }
                    }
                    if (feature >= 0 && feature < width1)
                    {
                        features[r * d + offset + feature] = 1f;
                    }
                }
            }
            if (filledCells > 0)
            {
                filled[column.Name] = filledCells;
            }
            if (unseenCells > 0)
            {
                unseen[column.Name] = unseenCells;
            }
            offset += column.FeatureNames.Count;
        }
        Dataset<float> data = !table.IsLabelled
            ? Dataset<float>.Unlabelled(features, d, FeatureNames, table.ClassNames)
            : table.IsClassification
                ? new Dataset<float>(features, d, table.Labels.ToArray(), table.OutputCount, FeatureNames, table.ClassNames)
                : new Dataset<float>(features, d, table.Targets.ToArray(), table.OutputCount, FeatureNames);
        // The labels' side passes through unchanged: the task, the target or label names and the rows left out.
        var labelled = new Dataset<float>(data)
        {
            LabelName = table.LabelName,
            Task = table.Task,
            TargetNames = table.TargetNames,
            DroppedRows = table.DroppedRows,
        };
        return new PreprocessedData(labelled, filled, unseen);
    }

    /// <summary>
    /// Fits the model's scaler on preprocessed training rows: <paramref name="kind"/> for numeric features, none
    /// (offset 0, scale 1) for one-hot ones, which stay 0 or 1.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not have this preprocessor's features.</exception>
    public FeatureScaler FitScaler(Dataset<float> features, ScalingKind kind)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.FeatureCount != FeatureNames.Count)
        {
            throw new ArgumentException($"The data has {features.FeatureCount} features but the preprocessor gives {FeatureNames.Count}.", nameof(features));
        }
        FeatureScaler fitted = FeatureScaler.Fit(features, kind);
        double[] offset = [.. fitted.Offset];
        double[] scale = [.. fitted.Scale];
        int j = 0;
        foreach (PreprocessedColumn column in Columns.Where(c => c.IsUsed))
        {
            for (int k = 0; k < column.FeatureNames.Count; k++, j++)
            {
                if (column.Treatment == ColumnTreatment.OneHot)
                {
                    offset[j] = 0;
                    scale[j] = 1;
                }
            }
        }
        return new FeatureScaler(kind, offset, scale);
    }

    /// <summary>A few words on a treatment, as the column table prints it.</summary>
    public static string Describe(ColumnTreatment treatment) => treatment switch
    {
        ColumnTreatment.Numeric => "numeric",
        ColumnTreatment.OneHot => "one-hot",
        ColumnTreatment.DroppedConstant => "dropped (constant)",
        ColumnTreatment.DroppedIdentifier => "dropped (every value distinct, an id)",
        _ => treatment.ToString(),
    };

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
