using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// `train --cv K`: K-fold cross-validation of the run's settings on its training rows (the test split stays out of
/// it), printed fold by fold with the mean ± standard deviation of each metric, before the model itself is trained on
/// all training rows.
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

    /// <summary>Refuses a fold count the training rows cannot fill (more folds than rows of the smallest class).</summary>
    /// <exception cref="UsageException">One line naming --cv and the class.</exception>
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
    /// Cross-validates <paramref name="options"/> on <paramref name="train"/> and prints the folds and the summary.
    /// Returns null when Ctrl+C or SIGTERM stopped it (<paramref name="exitCode"/> then says which); the finished folds
    /// are printed.
    /// </summary>
    public static CrossValidationResult? Run(CliIO io, Dataset<float> train, Dataset<float>? validation, ClassifierOptions options, int folds, out int exitCode)
    {
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cross-validation: {folds} folds of the {train.Count} training rows ({(train.IsClassification ? "stratified" : "shuffled")}, seed {options.Seed}); each fold's model is trained with this run's settings"));
        var finished = new List<FoldScore>();
        using var interruption = new Interruption();
        try
        {
            CrossValidationResult result = CrossValidation.Classifier(train, options, folds, validation, fold =>
            {
                finished.Add(fold);
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"fold {fold.Fold}/{folds}: {string.Join(", ", Metric.Classification.Select(m => $"{m.Name} {fold.Scores[m.Name]:F4}"))}"));
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
            io.Out.Write(TextTable.Format(Header(Metric.Classification), finished.Select(f => Row(f, Metric.Classification))));
            exitCode = interruption.ExitCode;
            return null;
        }
    }

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
