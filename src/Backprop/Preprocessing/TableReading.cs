namespace Backprop.Preprocessing;

/// <summary>
/// Asks <see cref="CsvDatasetReader"/> to read every column but the label (<see cref="CsvDatasetOptions.Table"/>):
/// numbers as they are, missing cells as NaN and text as category codes, described by
/// <see cref="Dataset{T}.Columns"/>. A <see cref="Preprocessor"/> then turns such rows into features.
/// </summary>
public sealed record TableReading
{
    /// <summary>The cells that mean "missing" by default: NA, the empty cell, ? and NaN.</summary>
    public static IReadOnlyList<string> DefaultMissingValues { get; } = ["NA", "", "?", "NaN"];

    /// <summary>The cells (trimmed, compared ignoring case) that mean "missing"; default <see cref="DefaultMissingValues"/>.</summary>
    public IReadOnlyList<string> MissingValues { get; init; } = DefaultMissingValues;

    /// <summary>When true, a missing cell is an error naming its line and column instead of NaN. Default false.</summary>
    public bool MissingIsError { get; init; }

    /// <summary>Columns read as text (categories) even when their cells are numbers, such as codes "1", "2", "3".</summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];

    /// <summary>When true, every column is read as text, as if <see cref="Categorical"/> named them all. Default false.</summary>
    public bool AllCategorical { get; init; }

    /// <summary>Columns that must hold numbers: a cell of other text is an error (as a model's numeric columns are read).</summary>
    public IReadOnlyList<string> Numeric { get; init; } = [];
}
