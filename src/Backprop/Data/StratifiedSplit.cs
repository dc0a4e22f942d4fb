using System.Numerics;

namespace Backprop.Data;

/// <summary>
/// Seeded train/validation/test splits that keep each class's share of the rows: every class gives
/// round(n_c × fraction) rows to the test and validation splits, chosen by a seeded shuffle, and at least one row to
/// training. Rows keep their original order within each split.
/// </summary>
public static class StratifiedSplit
{
    /// <summary>
    /// Splits <paramref name="data"/>. With both fractions 0 the result's Train is <paramref name="data"/> itself;
    /// otherwise each split is a copy (<see cref="Dataset{T}.Subset"/>). A split that receives no rows is null.
    /// Regression sets (no labels) are split at random without strata.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is outside [0, 1) or they add up to 1 or more.</exception>
    /// <exception cref="ArgumentException">The data has no labels or targets.</exception>
    public static DatasetSplits<T> Split<T>(Dataset<T> data, double testFraction, double validationFraction, long seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction >= 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in [0, 1).");
        }
        if (!(validationFraction >= 0 && validationFraction < 1) || testFraction + validationFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in [0, 1) and, with the test fraction, add up to less than 1.");
        }
        if (!data.IsLabelled)
        {
            throw new ArgumentException("Rows without labels cannot be split for training.", nameof(data));
        }
        if (testFraction == 0 && validationFraction == 0)
        {
            return new DatasetSplits<T>(data, null, null);
        }

        List<int>[] members = Strata(data);

        var rng = new Rng(seed);
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        foreach (List<int> rows in members)
        {
            int[] order = [.. rows];
            rng.Shuffle(order.AsSpan());
            int n = order.Length;
            int nTest = (int)Math.Floor(n * testFraction + 0.5);
            int nValidation = (int)Math.Floor(n * validationFraction + 0.5);
            // Keep at least one row of every class for training.
            while (n > 0 && nTest + nValidation > n - 1)
            {
                if (nValidation > 0)
                {
                    nValidation--;
                }
                else
                {
                    nTest--;
                }
            }
            test.AddRange(order.AsSpan(0, nTest));
            validation.AddRange(order.AsSpan(nTest, nValidation));
            train.AddRange(order.AsSpan(nTest + nValidation));
        }
        return new DatasetSplits<T>(Take(data, train)!, Take(data, validation), Take(data, test));
    }

    private static Dataset<T>? Take<T>(Dataset<T> data, List<int> rows) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows.Count == 0)
        {
            return null;
        }
        rows.Sort();
        return data.Subset(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
    }

    /// <summary>The rows of each stratum, in row order: one per class, or one for all rows of a set without class labels.</summary>
    internal static List<int>[] Strata<T>(Dataset<T> data) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int strata = data.IsClassification ? data.OutputCount : 1;
        var members = new List<int>[strata];
        for (int s = 0; s < strata; s++)
        {
            members[s] = [];
        }
        for (int row = 0; row < data.Count; row++)
        {
            members[data.IsClassification ? data.Labels[row] : 0].Add(row);
        }
        return members;
    }
}
