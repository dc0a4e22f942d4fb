namespace Backprop.Data;

/// <summary>How <see cref="CsvDatasetReader"/> turns a CSV file with a header row into a <see cref="Dataset{T}"/>.</summary>
public sealed record CsvDatasetOptions
{
    /// <summary>The label column's name; null: the last column.</summary>
    public string? Label { get; init; }

    /// <summary>The field delimiter; null: detected from the header line (',', ';', tab or '|').</summary>
    public char? Delimiter { get; init; }

    /// <summary>
    /// The feature columns by name, in the order the features take; null: every column but the label whose first
    /// data row holds a number. The others are text columns, skipped and listed in
    /// <see cref="Dataset{T}.IgnoredColumns"/>; a skipped column in which most cells are numbers is an error instead
    /// (its first cell is then a mistake, not a sign of text).
    /// </summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>
    /// A fixed class list (a trained model's): labels are mapped to these indices and a label not in it is an error.
    /// Null: the classes are the distinct labels, sorted numerically when all are numbers, else ordinally.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// When true, a missing label column is not an error: the result is <see cref="Dataset{T}.Unlabelled"/>
    /// (data to predict on). Default false.
    /// </summary>
    public bool LabelOptional { get; init; }
}
