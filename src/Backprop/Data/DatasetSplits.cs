using System.Numerics;

namespace Backprop.Data;

/// <summary>A data set divided into the rows to train on, to validate on (optional) and to test on (optional).</summary>
/// <param name="Train">The training rows (scalers are fitted on these alone).</param>
/// <param name="Validation">Rows for early stopping and model choice; null when none were held out.</param>
/// <param name="Test">Rows for the final score; null when none were held out.</param>
public sealed record DatasetSplits<T>(Dataset<T> Train, Dataset<T>? Validation, Dataset<T>? Test) where T : unmanaged, IFloatingPointIeee754<T>;
