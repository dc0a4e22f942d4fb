using System.Globalization;

namespace Backprop.Preprocessing;

/// <summary>
/// One column of a fitted <see cref="Preprocessor"/>: its kind, its treatment, what fills its missing cells and, for a
/// one-hot column, its categories (each one feature named "column=category").
/// </summary>
public sealed class PreprocessedColumn
{
    /// <summary>The name of the feature that collects the categories folded away by <see cref="PreprocessingOptions.FoldRareCategories"/>.</summary>
    public const string OtherCategory = "(other)";

    internal PreprocessedColumn(string name, bool isCategorical, ColumnTreatment treatment, int missingCount, double fill, string? fillCategory,
        IReadOnlyList<string> categories, bool hasOther)
    {
        Name = name;
        IsCategorical = isCategorical;
        Treatment = treatment;
        MissingCount = missingCount;
        Fill = fill;
        FillCategory = fillCategory;
        Categories = [.. categories];
        HasOther = hasOther;
        FeatureNames = treatment switch
        {
            ColumnTreatment.Numeric => [name],
            ColumnTreatment.OneHot => [.. categories.Select(c => name + "=" + c), .. hasOther ? new[] { name + "=" + OtherCategory } : []],
            _ => [],
        };
    }

    /// <summary>The column's name in the table.</summary>
    public string Name { get; }

    /// <summary>True for a text (categorical) column, false for a numeric one.</summary>
    public bool IsCategorical { get; }

    /// <summary>What becomes of the column.</summary>
    public ColumnTreatment Treatment { get; }

    /// <summary>True when the column is not dropped: it gives at least one feature.</summary>
    public bool IsUsed => Treatment is ColumnTreatment.Numeric or ColumnTreatment.OneHot;

    /// <summary>Missing cells in the data the preprocessor was fitted on (all rows read, not only the training ones).</summary>
    public int MissingCount { get; }

    /// <summary>The value that fills a missing cell of a numeric column (fitted on the training rows); NaN when nothing fills it.</summary>
    public double Fill { get; }

    /// <summary>The category that fills a missing cell of a categorical column; null when nothing fills it.</summary>
    public string? FillCategory { get; }

    /// <summary>The categories of a one-hot column in feature order (ordinally sorted), without the "(other)" column.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>True when rare categories are folded into one "name=(other)" feature, the last of the column.</summary>
    public bool HasOther { get; }

    /// <summary>The features this column gives, in order: its name (numeric), "name=category" (one-hot), none (dropped).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The fill as text ("" when none): the number for a numeric column, the category for a categorical one.</summary>
    public string FillText => IsCategorical ? FillCategory ?? "" : double.IsNaN(Fill) ? "" : Fill.ToString("G6", CultureInfo.InvariantCulture);
}
