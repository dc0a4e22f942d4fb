using System.Numerics;

namespace Backprop.Training;

/// <summary>Per-class loss weights for imbalanced data.</summary>
public static class ClassWeights
{
    /// <summary>
    /// "Balanced" weights w_c = n / (k · n_c), as scikit-learn computes them: rare classes weigh more, and the weights
    /// average to 1 over the rows. A class with no rows gets weight 1.
    /// </summary>
    /// <exception cref="ArgumentException">The data set has no class labels.</exception>
    public static double[] Balanced<T>(Dataset<T> data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.IsClassification)
        {
            throw new ArgumentException("Class weights need a data set with class labels.", nameof(data));
        }
        var counts = new int[data.OutputCount];
        foreach (int label in data.Labels)
        {
            counts[label]++;
        }
        var weights = new double[counts.Length];
        for (int c = 0; c < counts.Length; c++)
        {
            weights[c] = counts[c] == 0 ? 1.0 : (double)data.Count / (counts.Length * counts[c]);
        }
        return weights;
    }
}
