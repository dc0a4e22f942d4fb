namespace Backprop.Models;

/// <summary>The folds of a cross-validation and, per metric, their mean and standard deviation.</summary>
public sealed class CrossValidationResult
{
    internal CrossValidationResult(IReadOnlyList<Metric> metrics, IReadOnlyList<FoldScore> folds)
    {
        Metrics = metrics;
        Folds = folds;
    }

    /// <summary>The metrics every fold was scored by, in the order they were given.</summary>
    public IReadOnlyList<Metric> Metrics { get; }

    /// <summary>Each fold's scores, in fold order.</summary>
    public IReadOnlyList<FoldScore> Folds { get; }

    /// <summary>The mean of <paramref name="metric"/> over the folds.</summary>
    /// <exception cref="ArgumentException">The folds were not scored by this metric.</exception>
    public double Mean(Metric metric) => Values(metric).Average();

    /// <summary>
    /// The sample standard deviation of <paramref name="metric"/> over the folds, √(Σ (x − mean)² / (K − 1)): how
    /// much the score moves with the rows held out.
    /// </summary>
    /// <exception cref="ArgumentException">The folds were not scored by this metric.</exception>
    public double StandardDeviation(Metric metric)
    {
        double[] values = Values(metric);
        if (values.Length < 2)
        {
            return 0;
        }
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    private double[] Values(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (!Metrics.Contains(metric))
        {
            throw new ArgumentException($"The folds were not scored by {metric.Name}.", nameof(metric));
        }
        return [.. Folds.Select(f => f.Scores[metric.Name])];
    }
}
