namespace Backprop.Preprocessing;

/// <summary>What <see cref="Preprocessor.Transform"/> made of a table's rows.</summary>
/// <param name="Data">The feature rows (unscaled), with the table's labels.</param>
/// <param name="FilledCells">Missing cells filled, by column name (columns with none are absent).</param>
/// <param name="UnseenCategories">Cells whose category the preprocessor did not see in training (encoded as all zeros), by column name.</param>
public sealed record PreprocessedData(Dataset<float> Data, IReadOnlyDictionary<string, int> FilledCells, IReadOnlyDictionary<string, int> UnseenCategories);
