namespace Backprop.Data;

/// <summary>How <see cref="CsvDatasetReader"/> turns a CSV file with a header row into a <see cref="Dataset{T}"/>.</summary>
public sealed record CsvDatasetOptions
{
    /// <summary>The label column's name; null: the last column.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// Several label columns by name (regression targets or multi-label yes/no columns), instead of <see cref="Label"/>;
    /// null: the one column <see cref="Label"/> names.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>
    /// What the label columns hold; null: chosen from their values (<see cref="CsvDatasetReader"/> gives the rule).
    /// With <see cref="ClassNames"/> given it is classification.
    /// </summary>
    public LearningTask? Task { get; init; }

    /// <summary>
    /// Whether a row whose label is missing (an empty cell, NA, N/A or ?) is left out and counted in
    /// <see cref="Dataset{T}.DroppedRows"/> (true, the default) or is an error (false).
    /// </summary>
    public bool DropMissingLabels { get; init; } = true;

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
    /// When set, every column but the label is read, not only the numeric ones: numbers as they are, missing cells as
    /// NaN and text as codes, described by <see cref="Dataset{T}.Columns"/> (see <see cref="Preprocessor"/>).
    /// Null (default): numeric columns only, and a missing cell is an error.
    /// </summary>
    public TableReading? Table { get; init; }

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

    /// <summary>
    /// The encoding of the file's bytes (default UTF-8). Bytes that are not valid in it are an error naming the line
    /// and byte offset; Latin-1 and Windows-1252 accept every byte. Ignored by the <see cref="TextReader"/> overload.
    /// </summary>
    public TextEncoding Encoding { get; init; } = TextEncoding.Utf8;

    /// <summary>
    /// The decimal separator of the numbers: '.' (default) or ','. With ',' the delimiter is usually ';', and
    /// "14,23" reads as 14.23; a file whose text columns hold such numbers while this is '.' is an error that says so.
    /// </summary>
    public char DecimalSeparator { get; init; } = '.';

    /// <summary>
    /// Told how many bytes have been read (every 256 KiB, and at the end); null: nothing is reported.
    /// Called on the reading thread.
    /// </summary>
    public IProgress<ReadProgress>? Progress { get; init; }
}
