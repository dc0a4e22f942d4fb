namespace Backprop.Preprocessing;

/// <summary>
/// One column of a table read with <see cref="CsvDatasetOptions.Table"/>: numeric (its cells are the feature values,
/// NaN where missing) or text (its cells are indices into <see cref="Values"/>, NaN where missing).
/// </summary>
public sealed class TableColumnInfo
{
    /// <summary>Describes a column.</summary>
    /// <exception cref="ArgumentException">The name is blank, or a numeric column lists values.</exception>
    internal TableColumnInfo(string name, bool isText, IReadOnlyList<string> values, int missingCount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(missingCount);
        if (!isText && values.Count > 0)
        {
            throw new ArgumentException("A numeric column has no text values.", nameof(values));
        }
        Name = name;
        IsText = isText;
        Values = [.. values];
        MissingCount = missingCount;
    }

    /// <summary>The column's name in the header.</summary>
    public string Name { get; }

    /// <summary>True when the cells are text (category codes into <see cref="Values"/>).</summary>
    public bool IsText { get; }

    /// <summary>The distinct texts of a text column, by code, in order of first appearance; empty for a numeric column.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>How many cells of the whole file were missing.</summary>
    public int MissingCount { get; }
}
