namespace Backprop.Models;

/// <summary>
/// A score of a model on held-out rows, by name, and which way is better: what cross-validation averages and a search
/// ranks by. The classification metrics come from an <see cref="Evaluation"/> (<see cref="Scores"/>); other tasks add
/// their own (a regression's R², higher is better; its RMSE, lower is better) without changing the runner.
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
}
