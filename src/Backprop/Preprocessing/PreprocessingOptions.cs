namespace Backprop.Preprocessing;

/// <summary>How <see cref="Preprocessor.Fit"/> treats the columns of a table.</summary>
public sealed record PreprocessingOptions
{
    /// <summary>The most one-hot columns a categorical column may have when <see cref="FoldRareCategories"/> is false (50).</summary>
    public const int DefaultMaxCategories = 50;

    /// <summary>How missing cells are filled (default: mean for numeric, most frequent for categorical columns).</summary>
    public ImputeStrategy Impute { get; init; } = ImputeStrategy.Default;

    /// <summary>
    /// The most one-hot columns one categorical column may become. A column with more categories is an error unless
    /// <see cref="FoldRareCategories"/>.
    /// </summary>
    public int MaxCategories { get; init; } = DefaultMaxCategories;

    /// <summary>
    /// When true, a column with more than <see cref="MaxCategories"/> categories keeps the MaxCategories − 1 most
    /// frequent and folds the rest into one "name=(other)" column. Default false.
    /// </summary>
    public bool FoldRareCategories { get; init; }
}
