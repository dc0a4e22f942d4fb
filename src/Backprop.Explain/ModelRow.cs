namespace Backprop.Explain;

/// <summary>Where the row explained from a saved model came from, for the set-up paragraph.</summary>
public enum RowOrigin
{
    /// <summary>Raw features typed with --input.</summary>
    Input,

    /// <summary>A row of a --data file.</summary>
    DataFile,

    /// <summary>A row of a built-in data set, all of its rows.</summary>
    Dataset,

    /// <summary>A row of the test rows the model's own recorded split held out of a built-in data set.</summary>
    DatasetSplit,

    /// <summary>A row of a built-in data set's own test set.</summary>
    DatasetTestSet,
}

/// <summary>Where the learning rate of a step explained from a model came from.</summary>
public enum LearningRateOrigin
{
    /// <summary>Given with --lr.</summary>
    Option,

    /// <summary>The learning rate recorded in the model's training options.</summary>
    Model,

    /// <summary>Neither: the default.</summary>
    Default,
}

/// <summary>
/// The context of a step explained from a saved model: the model file, the row (raw and rescaled by the model's
/// scaler, as training saw it), its class, and where the learning rate came from. Language-free; the composer
/// turns it into sentences.
/// </summary>
/// <param name="ModelPath">The model file.</param>
/// <param name="Origin">Where the row came from.</param>
/// <param name="SourceName">The data file or data set name (empty for --input).</param>
/// <param name="Row">The row, counting from 1 (0 for --input).</param>
/// <param name="RowCount">Rows in the source the row was picked from (0 for --input).</param>
/// <param name="SplitSeed">The seed of the model's recorded split, for <see cref="RowOrigin.DatasetSplit"/>.</param>
/// <param name="FeatureNames">The model's feature names, in the network's input order.</param>
/// <param name="Raw">The raw features, as read.</param>
/// <param name="Scaler">The model's scaler.</param>
/// <param name="Scaled">The rescaled features, rounded to single precision as in training: the network's input.</param>
/// <param name="ClassIndex">The target class.</param>
/// <param name="ClassName">Its name in the model.</param>
/// <param name="TargetFromLabel">True when the target is the row's label, false when it was given with --target.</param>
/// <param name="LearningRate">Where the learning rate came from.</param>
/// <param name="TrainingExtras">Training settings of the model a plain gradient-descent step leaves out (e.g. "optimizer adam"); empty when none.</param>
public sealed record ModelRow(
    string ModelPath,
    RowOrigin Origin,
    string SourceName,
    int Row,
    int RowCount,
    long? SplitSeed,
    IReadOnlyList<string> FeatureNames,
    IReadOnlyList<double> Raw,
    FeatureScaler Scaler,
    IReadOnlyList<double> Scaled,
    int ClassIndex,
    string ClassName,
    bool TargetFromLabel,
    LearningRateOrigin LearningRate,
    IReadOnlyList<string> TrainingExtras);
