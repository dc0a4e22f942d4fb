namespace Backprop.Models;

/// <summary>
/// How well a regression model does on rows with known targets, per target and as the unweighted mean over targets
/// (scikit-learn's <c>multioutput="uniform_average"</c>): MAE = mean |y − ŷ|, RMSE = √(mean (y − ŷ)²) and
/// R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², ȳ the mean of the evaluated rows (for a constant target R² is 1 when every
/// prediction is exact, else 0, as scikit-learn's r2_score gives).
/// </summary>
public sealed class RegressionEvaluation
{
    private RegressionEvaluation(IReadOnlyList<string> targetNames, int count, double[] mae, double[] rmse, double[] r2)
    {
        TargetNames = targetNames;
        Count = count;
        MeanAbsoluteError = mae;
        RootMeanSquaredError = rmse;
        RSquared = r2;
    }

    /// <summary>Number of rows evaluated.</summary>
    public int Count { get; }

    /// <summary>The target columns, in output order.</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>Per target: mean absolute error, in the target's units.</summary>
    public IReadOnlyList<double> MeanAbsoluteError { get; }

    /// <summary>Per target: root mean squared error, in the target's units.</summary>
    public IReadOnlyList<double> RootMeanSquaredError { get; }

    /// <summary>Per target: the coefficient of determination R² (1 is perfect, 0 is as good as predicting the mean).</summary>
    public IReadOnlyList<double> RSquared { get; }

    /// <summary>The mean of <see cref="MeanAbsoluteError"/> over the targets.</summary>
    public double AverageMeanAbsoluteError => MeanAbsoluteError.Average();

    /// <summary>The mean of <see cref="RootMeanSquaredError"/> over the targets.</summary>
    public double AverageRootMeanSquaredError => RootMeanSquaredError.Average();

    /// <summary>The mean of <see cref="RSquared"/> over the targets.</summary>
    public double AverageRSquared => RSquared.Average();

    /// <summary>Computes the evaluation from predicted and true (rows, targets) values, both in the targets' units.</summary>
    internal static RegressionEvaluation From(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual, IReadOnlyList<string> targetNames)
    {
        int k = targetNames.Count;
        int rows = actual.Length / k;
        var mae = new double[k];
        var rmse = new double[k];
        var r2 = new double[k];
        for (int j = 0; j < k; j++)
        {
            double mean = 0;
            for (int r = 0; r < rows; r++)
            {
                mean += actual[r * k + j];
            }
            mean = rows == 0 ? 0 : mean / rows;
            double absolute = 0, squared = 0, total = 0;
            for (int r = 0; r < rows; r++)
            {
                double y = actual[r * k + j];
                double e = y - predicted[r * k + j];
                absolute += Math.Abs(e);
                squared += e * e;
                total += (y - mean) * (y - mean);
            }
            mae[j] = rows == 0 ? 0 : absolute / rows;
            rmse[j] = rows == 0 ? 0 : Math.Sqrt(squared / rows);
            r2[j] = total > 0 ? 1 - squared / total : squared == 0 ? 1 : 0;
        }
        return new RegressionEvaluation(targetNames, rows, mae, rmse, r2);
    }
}
