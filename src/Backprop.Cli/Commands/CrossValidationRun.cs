using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// `train --cv K`: K-fold cross-validation of the run's settings on its training rows (the test split stays out of
/// it), printed fold by fold with the mean ± standard deviation of each of the task's metrics (<see cref="Metric.ForTask"/>),
/// before the model itself is trained on all training rows.
/// </summary>
internal static class CrossValidationRun
{
    /// <summary>Refuses a fold count below 2 and the options cross-validation cannot honour (before any data is read).</summary>
    /// <exception cref="UsageException">The count is below 2, or --resume or --init-model is given.</exception>
    public static void CheckOptions(int folds, DataTrainingSettings s)
    {
        OptionValues.AtLeast("--cv", folds, 2);
        if (s.Resume is not null)
        {
            throw new UsageException("--cv trains K new models from the start; it cannot resume a checkpoint (--resume)");
        }
        if (s.InitModel is not null)
        {
            throw new UsageException("--cv trains K new models from random weights; it does not fine-tune a model (--init-model)");
        }
    }

    /// <summary>Refuses a fold count the training rows cannot fill (more folds than rows, or than rows of the smallest class).</summary>
    /// <exception cref="UsageException">One line naming --cv (and the class).</exception>
    public static void CheckData(int folds, Dataset<float> train)
    {
        try
        {
            KFold.Assign(train, folds, 0);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--cv {folds}: {Message(e).TrimEnd('.')} (in the {train.Count} training rows)");
        }
    }

    /// <summary>
    /// Cross-validates <paramref name="options"/> on the training rows of <paramref name="data"/> and prints the folds and
    /// the summary. Returns null when Ctrl+C or SIGTERM stopped it (<paramref name="exitCode"/> then says which); the
    /// finished folds are printed.
    /// </summary>
    public static CrossValidationResult? Run(CliIO io, LoadedData data, ClassifierOptions options, int folds, out int exitCode)
    {
        (Dataset<float> train, Dataset<float>? validation) = InTargetUnits(data);
        IReadOnlyList<Metric> metrics = Metric.ForTask(train.Task);
        string scaled = train.Task == LearningTask.Regression ? " (its feature and target scalers fitted on its training rows; scored in the targets' units)" : "";
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cross-validation: {folds} folds of the {train.Count} training rows ({(train.IsClassification ? "stratified" : "shuffled")}, seed {options.Seed}); each fold's model is trained with this run's settings{scaled}"));
        var finished = new List<FoldScore>();
        using var interruption = new Interruption();
        try
        {
            CrossValidationResult result = CrossValidate(train, validation, options, folds, fold =>
            {
                finished.Add(fold);
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fold {fold.Fold}/{folds}: {string.Join(", ", metrics.Select(m => $"{m.Name} {fold.Scores[m.Name]:F4}"))}"));
            }, interruption.Token);
            io.Out.WriteLine();
            io.Out.Write(Format(result));
            exitCode = Cli.Ok;
            return result;
        }
        catch (OperationCanceledException) when (interruption.ExitCode != Cli.Ok)
        {
            string signal = interruption.ExitCode == DataTraining.Terminated ? " (SIGTERM)" : "";
            io.Out.WriteLine($"Interrupted{signal} during fold {finished.Count + 1}; no model trained or written. The {finished.Count} finished folds:");
            io.Out.Write(TextTable.Format(Header(metrics), finished.Select(f => Row(f, metrics))));
            exitCode = interruption.ExitCode;
            return null;
        }
    }

    /// <summary>The task's cross-validation (<see cref="CrossValidation"/>'s Classifier, Regressor or MultiLabelClassifier).</summary>
    /// <param name="train">The training rows: features scaled or not (each fold fits its own scaler), regression targets in their own units.</param>
    /// <param name="validation">Rows for every fold's validation loss and early stopping, as <paramref name="train"/>; null for none.</param>
    /// <param name="options">How each fold's model is trained.</param>
    /// <param name="folds">K.</param>
    /// <param name="onFold">Called after each fold; null for none.</param>
    /// <param name="cancellation">Stops the fold being trained.</param>
    public static CrossValidationResult CrossValidate(Dataset<float> train, Dataset<float>? validation, ClassifierOptions options, int folds,
        Action<FoldScore>? onFold, CancellationToken cancellation)
    {
        return train.Task switch
        {
            LearningTask.Regression => CrossValidation.Regressor(train, options, folds, validation, onFold, cancellation),
            LearningTask.MultiLabel => CrossValidation.MultiLabelClassifier(train, options, folds, validation, onFold, cancellation),
            _ => CrossValidation.Classifier(train, options, folds, validation, onFold, cancellation),
        };
    }

    /// <summary>
    /// The training and validation splits as a model fitted on them needs them: for regression with the targets in
    /// their own units (each fold's or trial's model standardises them itself, on its own training rows), the features
    /// as loaded; the splits themselves for the other tasks.
    /// </summary>
    public static (Dataset<float> Train, Dataset<float>? Validation) InTargetUnits(LoadedData data)
    {
        if (data.TargetsInUnits is not (float[] train, var validation))
        {
            return (data.Train, data.Validation);
        }
        return (WithTargets(data.Train, train), data.Validation is null ? null : WithTargets(data.Validation, validation!));
    }

    private static Dataset<float> WithTargets(Dataset<float> data, float[] targets)
        => new(data.Features.ToArray(), data.FeatureCount, targets, data.OutputCount, data.FeatureNames)
        {
            LabelName = data.LabelName,
            Task = data.Task,
            TargetNames = data.TargetNames,
        };

    /// <summary>A row per fold, then the mean ± standard deviation of each metric.</summary>
    public static string Format(CrossValidationResult result)
    {
        List<IReadOnlyList<string>> rows = [.. result.Folds.Select(f => Row(f, result.Metrics))];
        rows.Add(["mean ± sd", "", "", .. result.Metrics.Select(m => MeanAndDeviation(result, m))]);
        return TextTable.Format(Header(result.Metrics), rows);
    }

    /// <summary>"0.9583 ± 0.0295": the mean and the sample standard deviation over the folds.</summary>
    public static string MeanAndDeviation(CrossValidationResult result, Metric metric)
        => string.Create(CultureInfo.InvariantCulture, $"{result.Mean(metric):F4} ± {result.StandardDeviation(metric):F4}");

    /// <summary>Stores the means and deviations among the model's metrics (cv_accuracy, cv_accuracy_sd, …).</summary>
    public static void Record(Model model, CrossValidationResult result)
    {
        foreach (Metric metric in result.Metrics)
        {
            model.SetMetric("cv_" + metric.Name, result.Mean(metric));
            model.SetMetric("cv_" + metric.Name + "_sd", result.StandardDeviation(metric));
        }
        model.SetMetric("cv_folds", result.Folds.Count);
    }

    private static string[] Header(IReadOnlyList<Metric> metrics) => ["fold", "train", "test", .. metrics.Select(m => m.Name)];

    private static string[] Row(FoldScore fold, IReadOnlyList<Metric> metrics) =>
    [
        fold.Fold.ToString(CultureInfo.InvariantCulture),
        fold.TrainRows.ToString(CultureInfo.InvariantCulture),
        fold.TestRows.ToString(CultureInfo.InvariantCulture),
        .. metrics.Select(m => fold.Scores[m.Name].ToString("F4", CultureInfo.InvariantCulture)),
    ];

    private static string Message(ArgumentException e)
        => e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
}
