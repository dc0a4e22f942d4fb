namespace Backprop.Models;

/// <summary>
/// K-fold cross-validation: the rows are divided into K folds (<see cref="KFold"/>: stratified for class labels), and
/// for each fold a model is trained on the other K − 1 folds and scored on it. What is trained and how it is scored is
/// the caller's function, so any task plugs in with its own metrics; <see cref="Classifier"/>, <see cref="Regressor"/>
/// and <see cref="MultiLabelClassifier"/> are the three tasks' runners.
/// <code>
/// CrossValidationResult cv = CrossValidation.Classifier(train, new ClassifierOptions { HiddenLayers = [16], Epochs = 50 }, folds: 5);
/// double mean = cv.Mean(Metric.Accuracy), sd = cv.StandardDeviation(Metric.Accuracy);
/// </code>
/// The folds run one after another; each trains with all the engine's threads.
/// </summary>
public static class CrossValidation
{
    /// <summary>
    /// Runs the folds: for fold k, <paramref name="trainAndScore"/> gets the rows of the other folds (to train on) and
    /// the rows of fold k (to score), and returns a value for every metric of <paramref name="metrics"/>, by name.
    /// </summary>
    /// <param name="data">The rows to divide; labelled or with regression targets.</param>
    /// <param name="folds">K, at least 2, at most the rows of the smallest class.</param>
    /// <param name="seed">Seed of the fold assignment.</param>
    /// <param name="metrics">The metrics the function returns.</param>
    /// <param name="trainAndScore">Trains on the first set, scores on the second; the token is <paramref name="cancellation"/>.</param>
    /// <param name="onFold">Called after each fold with its scores; null for none.</param>
    /// <param name="cancellation">Checked after every fold (and handed to the function); cancelling throws
    /// <see cref="OperationCanceledException"/>, so a half-trained fold is never scored.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2.</exception>
    /// <exception cref="ArgumentException">Too few rows, or a class with fewer rows than folds (see <see cref="KFold.Assign{T}"/>), no metrics,
    /// or the function left out a metric.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static CrossValidationResult Run(Dataset<float> data, int folds, long seed, IReadOnlyList<Metric> metrics,
        Func<Dataset<float>, Dataset<float>, CancellationToken, IReadOnlyDictionary<string, double>> trainAndScore,
        Action<FoldScore>? onFold = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(trainAndScore);
        if (metrics.Count == 0)
        {
            throw new ArgumentException("Give at least one metric to score the folds by.", nameof(metrics));
        }
        int[] assignment = KFold.Assign(data, folds, seed);
        var scores = new List<FoldScore>(folds);
        for (int f = 0; f < folds; f++)
        {
            cancellation.ThrowIfCancellationRequested();
            DatasetSplits<float> split = KFold.Fold(data, assignment, f);
            IReadOnlyDictionary<string, double> values = trainAndScore(split.Train, split.Test!, cancellation);
            cancellation.ThrowIfCancellationRequested();
            if (metrics.FirstOrDefault(m => !values.ContainsKey(m.Name)) is Metric missing)
            {
                throw new ArgumentException($"The scoring function returned no value for {missing.Name} in fold {f + 1}.", nameof(trainAndScore));
            }
            var score = new FoldScore(f + 1, split.Train.Count, split.Test!.Count, values);
            scores.Add(score);
            onFold?.Invoke(score);
        }
        return new CrossValidationResult([.. metrics], scores);
    }

    /// <summary>
    /// Cross-validates a classifier: each fold's model is <see cref="Models.Classifier.Fit"/> with
    /// <paramref name="options"/> on the other folds (its scaler fitted on them alone), scored on the fold by
    /// <see cref="Metric.Classification"/> (accuracy, macro F1, log-loss). The folds are seeded by the options' seed, so
    /// settings compared with the same seed are scored on the same folds.
    /// </summary>
    /// <param name="data">Labelled rows, raw or already scaled (a fold's scaler is fitted on its training rows).</param>
    /// <param name="options">How each fold's model is trained.</param>
    /// <param name="folds">K, at least 2, at most the rows of the smallest class.</param>
    /// <param name="validation">Rows outside <paramref name="data"/> for every fold's validation metrics and early
    /// stopping (<see cref="ClassifierOptions.Patience"/>), scaled as <paramref name="data"/> is; null for none.</param>
    /// <param name="onFold">Called after each fold with its scores; null for none.</param>
    /// <param name="cancellation">Stops the fold being trained after its current batch and throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">The data has no class labels, too few rows of a class for the folds, or the options are invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2.</exception>
    /// <exception cref="TrainingDivergedException">A fold's loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static CrossValidationResult Classifier(Dataset<float> data, ClassifierOptions options, int folds, Dataset<float>? validation = null,
        Action<FoldScore>? onFold = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fitted(data, data.IsClassification, "A classifier needs data with class labels.", options, folds, Metric.Classification,
            (train, token) => Models.Classifier.Fit(train, options, validation, null, token), (model, test) => Metric.Scores(model.Evaluate(test)),
            onFold, cancellation);
    }

    /// <summary>
    /// Cross-validates a regressor: each fold's model is <see cref="Models.Regressor.Fit"/> with
    /// <paramref name="options"/> on the other folds, so its feature scaler and its target scaler (the standardisation
    /// it trains in) are fitted on those rows alone, and it is scored on the fold by <see cref="Metric.Regression"/>
    /// (R², RMSE, MAE; means over the targets) in the targets' own units. The folds are shuffled rows (no strata),
    /// seeded by the options' seed.
    /// </summary>
    /// <param name="data">Rows with numeric targets in their own units (<see cref="Dataset{T}.Task"/> regression);
    /// features raw or already scaled.</param>
    /// <param name="options">How each fold's model is trained (<see cref="ClassifierOptions.Loss"/>: MSE or Huber).</param>
    /// <param name="folds">K, at least 2, at most the number of rows.</param>
    /// <param name="validation">Rows outside <paramref name="data"/> (targets in their own units) for every fold's
    /// validation loss and early stopping; null for none.</param>
    /// <param name="onFold">Called after each fold with its scores; null for none.</param>
    /// <param name="cancellation">Stops the fold being trained after its current batch and throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">The data is not a regression set, has fewer rows than folds, or the options are invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2.</exception>
    /// <exception cref="TrainingDivergedException">A fold's loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static CrossValidationResult Regressor(Dataset<float> data, ClassifierOptions options, int folds, Dataset<float>? validation = null,
        Action<FoldScore>? onFold = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fitted(data, data.Task == LearningTask.Regression, "A regressor needs data with numeric targets (a regression set).", options, folds,
            Metric.Regression, (train, token) => Models.Regressor.Fit(train, options, validation, null, token),
            (model, test) => Metric.Scores(model.EvaluateRegression(test)), onFold, cancellation);
    }

    /// <summary>
    /// Cross-validates a multi-label classifier: each fold's model is <see cref="Models.MultiLabelClassifier.Fit"/> with
    /// <paramref name="options"/> on the other folds (its scaler fitted on them alone), scored on the fold by
    /// <see cref="Metric.MultiLabel"/> (subset accuracy, Hamming loss, micro and macro F1) at the options'
    /// <see cref="ClassifierOptions.DecisionThreshold"/>. The folds are shuffled rows (no strata), seeded by the
    /// options' seed.
    /// </summary>
    /// <param name="data">Rows with 0/1 label columns (<see cref="Dataset{T}.Task"/> multi-label).</param>
    /// <param name="options">How each fold's model is trained.</param>
    /// <param name="folds">K, at least 2, at most the number of rows.</param>
    /// <param name="validation">Rows outside <paramref name="data"/> for every fold's validation loss and early stopping; null for none.</param>
    /// <param name="onFold">Called after each fold with its scores; null for none.</param>
    /// <param name="cancellation">Stops the fold being trained after its current batch and throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">The data is not a multi-label set of 0/1 targets, has fewer rows than folds, or the options are invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2.</exception>
    /// <exception cref="TrainingDivergedException">A fold's loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static CrossValidationResult MultiLabelClassifier(Dataset<float> data, ClassifierOptions options, int folds, Dataset<float>? validation = null,
        Action<FoldScore>? onFold = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fitted(data, data.Task == LearningTask.MultiLabel, "A multi-label classifier needs a multi-label set (0/1 targets, Task MultiLabel).",
            options, folds, Metric.MultiLabel, (train, token) => Models.MultiLabelClassifier.Fit(train, options, validation, null, token),
            (model, test) => Metric.Scores(model.EvaluateMultiLabel(test)), onFold, cancellation);
    }

    // The three task runners: the data checked for the task, then each fold's model fitted on the other folds and scored
    // on the fold.
    private static CrossValidationResult Fitted(Dataset<float> data, bool fitsTask, string wrongTask, ClassifierOptions options, int folds,
        IReadOnlyList<Metric> metrics, Func<Dataset<float>, CancellationToken, Model> fit, Func<Model, Dataset<float>, IReadOnlyDictionary<string, double>> score,
        Action<FoldScore>? onFold, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!fitsTask)
        {
            throw new ArgumentException(wrongTask, nameof(data));
        }
        return Run(data, folds, options.Seed, metrics, (train, test, token) => score(fit(train, token), test), onFold, cancellation);
    }
}
