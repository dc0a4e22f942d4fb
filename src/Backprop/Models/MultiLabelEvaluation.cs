namespace Backprop.Models;

/// <summary>
/// How well a multi-label model does on rows with known yes/no labels, a label predicted when its probability is above
/// <see cref="Threshold"/>: subset accuracy (rows whose every label is right), Hamming loss (the fraction of wrong
/// row-label decisions), per-label precision = TP / (TP + FP), recall = TP / (TP + FN) and F1 = 2 P R / (P + R)
/// (0 where undefined), micro F1 (from the TP, FP and FN summed over labels) and macro F1 (the mean of the per-label F1),
/// as scikit-learn's metrics with <c>zero_division=0</c> compute them.
/// </summary>
public sealed class MultiLabelEvaluation
{
    private MultiLabelEvaluation(IReadOnlyList<string> labelNames, double threshold)
    {
        LabelNames = labelNames;
        Threshold = threshold;
    }

    /// <summary>Number of rows evaluated.</summary>
    public int Count { get; private init; }

    /// <summary>The label columns, in output order.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>The decision threshold the figures were computed with.</summary>
    public double Threshold { get; }

    /// <summary>Fraction of rows whose every label is predicted right.</summary>
    public double SubsetAccuracy { get; private init; }

    /// <summary>Fraction of row-label decisions that are wrong.</summary>
    public double HammingLoss { get; private init; }

    /// <summary>Mean binary cross-entropy −ln p(true value) over rows and labels (p clipped at 1e-15).</summary>
    public double LogLoss { get; private init; }

    /// <summary>Per label: of the rows predicted to have it, the fraction that do (0 when none are predicted).</summary>
    public IReadOnlyList<double> Precision { get; private init; } = [];

    /// <summary>Per label: of the rows that have it, the fraction predicted to (0 when none have it).</summary>
    public IReadOnlyList<double> Recall { get; private init; } = [];

    /// <summary>Per label: the harmonic mean of precision and recall.</summary>
    public IReadOnlyList<double> F1 { get; private init; } = [];

    /// <summary>Per label: the number of rows that have it.</summary>
    public IReadOnlyList<int> Support { get; private init; } = [];

    /// <summary>F1 from the true positives, false positives and false negatives of all labels together.</summary>
    public double MicroF1 { get; private init; }

    /// <summary>The unweighted mean of the per-label F1 scores.</summary>
    public double MacroF1 => F1.Count == 0 ? 0 : F1.Average();

    /// <summary>Computes the evaluation from (rows, labels) probabilities and 0/1 labels.</summary>
    internal static MultiLabelEvaluation From(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, IReadOnlyList<string> labelNames, double threshold)
    {
        int k = labelNames.Count;
        int rows = labels.Length / k;
        var tp = new int[k];
        var fp = new int[k];
        var fn = new int[k];
        int exact = 0, wrong = 0;
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            bool allRight = true;
            for (int j = 0; j < k; j++)
            {
                float p = probabilities[r * k + j];
                bool actual = labels[r * k + j] > 0.5f;
                bool predicted = p > threshold;
                tp[j] += actual && predicted ? 1 : 0;
                fp[j] += !actual && predicted ? 1 : 0;
                fn[j] += actual && !predicted ? 1 : 0;
                if (actual != predicted)
                {
                    wrong++;
                    allRight = false;
                }
                loss += ClassificationMetrics.LogLossTerm(actual ? p : 1 - p);
            }
            exact += allRight ? 1 : 0;
        }
        var precision = new double[k];
        var recall = new double[k];
        var f1 = new double[k];
        for (int j = 0; j < k; j++)
        {
            (precision[j], recall[j], f1[j]) = Scores(tp[j], fp[j], fn[j]);
        }
        return new MultiLabelEvaluation(labelNames, threshold)
        {
            Count = rows,
            SubsetAccuracy = rows == 0 ? 0 : (double)exact / rows,
            HammingLoss = rows == 0 ? 0 : (double)wrong / (rows * k),
            LogLoss = rows == 0 ? 0 : loss / (rows * k),
            Precision = precision,
            Recall = recall,
            F1 = f1,
            Support = [.. Enumerable.Range(0, k).Select(j => tp[j] + fn[j])],
            MicroF1 = Scores(tp.Sum(), fp.Sum(), fn.Sum()).F1,
        };
    }

    private static (double Precision, double Recall, double F1) Scores(int tp, int fp, int fn)
    {
        double p = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        double r = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }
}
