namespace Backprop.Preprocessing;

/// <summary>How missing cells of a feature column are filled (<see cref="PreprocessingOptions.Impute"/>).</summary>
public enum ImputeStrategy
{
    /// <summary>The mean for numeric columns and the most frequent category for categorical ones.</summary>
    Default,

    /// <summary>The mean of the training rows (categorical columns: the most frequent category).</summary>
    Mean,

    /// <summary>The median of the training rows (categorical columns: the most frequent category).</summary>
    Median,

    /// <summary>The most frequent value of the training rows, for every column.</summary>
    MostFrequent,

    /// <summary>Nothing is filled: a missing cell is an error naming its line and column.</summary>
    None,
}
