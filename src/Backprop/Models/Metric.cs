namespace Backprop.Models;

/// <summary>
/// A score of a model on held-out rows, by name, and which way is better: what cross-validation averages and a search
/// ranks by. Each task has its metrics (<see cref="ForTask"/>), computed from its evaluation by a
/// <c>Scores</c> overload: a classifier's accuracy, macro F1 and log-loss; a regressor's R², RMSE and MAE; a
/// multi-label classifier's subset accuracy, Hamming loss, micro and macro F1. Other metrics plug in by name.
/// </summary>
/// <param name="Name">The metric's name, as printed and as the key in a score dictionary (e.g. "accuracy").</param>
/// <param name="HigherIsBetter">True when a larger value is a better model (accuracy), false when smaller is (log-loss).</param>
public sealed record Metric(string Name, bool HigherIsBetter)
{
    /// <summary>Fraction of rows whose most probable class is their label; higher is better.</summary>
    public static Metric Accuracy { get; } = new("accuracy", true);

    /// <summary>The unweighted mean of the per-class F1 scores; higher is better.</summary>
    public static Metric MacroF1 { get; } = new("macro_f1", true);

    /// <summary>Mean −ln p(true class); lower is better.</summary>
    public static Metric LogLoss { get; } = new("log_loss", false);

    /// <summary>The metrics of a classifier, in the order they are printed: accuracy, macro F1, log-loss.</summary>
    public static IReadOnlyList<Metric> Classification { get; } = [Accuracy, MacroF1, LogLoss];

    /// <summary>Regression: the coefficient of determination R² (the mean over targets); higher is better.</summary>
    public static Metric RSquared { get; } = new("r2", true);

    /// <summary>Regression: root mean squared error in the targets' units (the mean over targets); lower is better.</summary>
    public static Metric RootMeanSquaredError { get; } = new("rmse", false);

    /// <summary>Regression: mean absolute error in the targets' units (the mean over targets); lower is better.</summary>
    public static Metric MeanAbsoluteError { get; } = new("mae", false);

    /// <summary>The metrics of a regressor, in the order they are printed: R², RMSE, MAE.</summary>
    public static IReadOnlyList<Metric> Regression { get; } = [RSquared, RootMeanSquaredError, MeanAbsoluteError];

    /// <summary>Multi-label: the fraction of rows whose every label is right; higher is better.</summary>
    public static Metric SubsetAccuracy { get; } = new("subset_accuracy", true);

    /// <summary>Multi-label: the fraction of row-label decisions that are wrong; lower is better.</summary>
    public static Metric HammingLoss { get; } = new("hamming_loss", false);

    /// <summary>Multi-label: F1 from the true and false positives and false negatives of all labels together; higher is better.</summary>
    public static Metric MicroF1 { get; } = new("micro_f1", true);

    /// <summary>
    /// The metrics of a multi-label classifier, in the order they are printed: subset accuracy, Hamming loss, micro F1,
    /// macro F1 (<see cref="MacroF1"/>, the mean of the per-label F1 scores).
    /// </summary>
    public static IReadOnlyList<Metric> MultiLabel { get; } = [SubsetAccuracy, HammingLoss, MicroF1, MacroF1];

    /// <summary>The metrics of a task: <see cref="Classification"/>, <see cref="Regression"/> or <see cref="MultiLabel"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown task.</exception>
    public static IReadOnlyList<Metric> ForTask(LearningTask task) => task switch
    {
        LearningTask.Classification => Classification,
        LearningTask.Regression => Regression,
        LearningTask.MultiLabel => MultiLabel,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task."),
    };

    /// <summary>
    /// Compares two values of this metric: positive when <paramref name="a"/> is the better one, negative when
    /// <paramref name="b"/> is, 0 when equal. NaN counts as worse than any number.
    /// </summary>
    public int Compare(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b))
        {
            return double.IsNaN(a) ? (double.IsNaN(b) ? 0 : -1) : 1;
        }
        return HigherIsBetter ? a.CompareTo(b) : b.CompareTo(a);
    }

    /// <summary>The <see cref="Classification"/> metrics of an evaluation, by name.</summary>
    public static IReadOnlyDictionary<string, double> Scores(Evaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Accuracy.Name] = evaluation.Accuracy,
            [MacroF1.Name] = evaluation.MacroF1,
            [LogLoss.Name] = evaluation.LogLoss,
        };
    }

    /// <summary>The <see cref="Regression"/> metrics of an evaluation (means over the targets), by name.</summary>
    public static IReadOnlyDictionary<string, double> Scores(RegressionEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [RSquared.Name] = evaluation.AverageRSquared,
            [RootMeanSquaredError.Name] = evaluation.AverageRootMeanSquaredError,
            [MeanAbsoluteError.Name] = evaluation.AverageMeanAbsoluteError,
        };
    }

    /// <summary>The <see cref="MultiLabel"/> metrics of an evaluation, by name.</summary>
    public static IReadOnlyDictionary<string, double> Scores(MultiLabelEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [SubsetAccuracy.Name] = evaluation.SubsetAccuracy,
            [HammingLoss.Name] = evaluation.HammingLoss,
            [MicroF1.Name] = evaluation.MicroF1,
            [MacroF1.Name] = evaluation.MacroF1,
        };
    }
}
