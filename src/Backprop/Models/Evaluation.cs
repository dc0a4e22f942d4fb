namespace Backprop.Models;

/// <summary>
/// How well a classifier does on labelled rows: accuracy, log-loss (mean −ln p of the true class, p clipped at 1e-15),
/// per-class precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 P R / (P + R), and the confusion matrix.
/// </summary>
public sealed class Evaluation
{
    private readonly int[] _confusion;

    private Evaluation(IReadOnlyList<string> classNames, int[] confusion, int count, double logLoss)
    {
        ClassNames = classNames;
        _confusion = confusion;
        Count = count;
        LogLoss = logLoss;
        int k = classNames.Count;
        int correct = 0;
        var precision = new double[k];
        var recall = new double[k];
        var f1 = new double[k];
        var support = new int[k];
        for (int c = 0; c < k; c++)
        {
            int tp = confusion[c * k + c];
            int predicted = 0;
            int actual = 0;
            for (int j = 0; j < k; j++)
            {
                predicted += confusion[j * k + c];
                actual += confusion[c * k + j];
            }
            correct += tp;
            support[c] = actual;
            precision[c] = predicted == 0 ? 0 : (double)tp / predicted;
            recall[c] = actual == 0 ? 0 : (double)tp / actual;
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        }
        Accuracy = count == 0 ? 0 : (double)correct / count;
        Precision = precision;
        Recall = recall;
        F1 = f1;
        Support = support;
    }

    /// <summary>Number of rows evaluated.</summary>
    public int Count { get; }

    /// <summary>Fraction of rows whose most probable class is their label.</summary>
    public double Accuracy { get; }

    /// <summary>Mean cross-entropy −ln p(true class) over the rows.</summary>
    public double LogLoss { get; }

    /// <summary>Class names by index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Per class: of the rows predicted as this class, the fraction that are (0 when none are predicted).</summary>
    public IReadOnlyList<double> Precision { get; }

    /// <summary>Per class: of the rows of this class, the fraction predicted as it (0 when there are none).</summary>
    public IReadOnlyList<double> Recall { get; }

    /// <summary>Per class: the harmonic mean of precision and recall.</summary>
    public IReadOnlyList<double> F1 { get; }

    /// <summary>Per class: number of rows whose label is this class.</summary>
    public IReadOnlyList<int> Support { get; }

    /// <summary>The unweighted mean of the per-class F1 scores.</summary>
    public double MacroF1 => F1.Count == 0 ? 0 : F1.Average();

    /// <summary>Rows whose label is class <paramref name="actual"/> and whose prediction is class <paramref name="predicted"/>.</summary>
    public int Confusion(int actual, int predicted) => _confusion[actual * ClassNames.Count + predicted];

    /// <summary>Computes the evaluation from (rows, classes) probabilities and the rows' labels.</summary>
    internal static Evaluation From(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, IReadOnlyList<string> classNames)
    {
        int k = classNames.Count;
        var confusion = new int[k * k];
        double loss = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(r * k, k);
            int predicted = ClassificationMetrics.ArgMax(p);
            confusion[labels[r] * k + predicted]++;
            loss += ClassificationMetrics.LogLossTerm(p[labels[r]]);
        }
        return new Evaluation(classNames, confusion, labels.Length, labels.Length == 0 ? 0 : loss / labels.Length);
    }
}
