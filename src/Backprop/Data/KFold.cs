using System.Numerics;

namespace Backprop.Data;

/// <summary>
/// Seeded K-fold splits for cross-validation: every row is in exactly one of K test folds, whose sizes differ by at
/// most one row. For class labels the folds are stratified: each class's rows, shuffled, are dealt round the folds in
/// turn, so every fold holds n_c / K rows of class c (rounded up or down). Rows with regression targets are shuffled
/// and dealt without strata.
/// </summary>
public static class KFold
{
    /// <summary>
    /// The test fold (0 to <paramref name="folds"/> − 1) of every row of <paramref name="data"/>. The same data, fold
    /// count and seed give the same folds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2.</exception>
    /// <exception cref="ArgumentException">The data has no labels or targets, fewer rows than folds, or a class with
    /// rows but fewer rows than folds (the message names the class).</exception>
    public static int[] Assign<T>(Dataset<T> data, int folds, long seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(data, folds);
        List<int>[] members = StratifiedSplit.Strata(data);
        var rng = new Rng(seed);
        var fold = new int[data.Count];
        // One deal continues from class to class, so the folds' totals differ by at most one row as well.
        int position = 0;
        foreach (List<int> rows in members)
        {
            int[] order = [.. rows];
            rng.Shuffle(order.AsSpan());
            foreach (int row in order)
            {
                fold[row] = position++ % folds;
            }
        }
        return fold;
    }

    /// <summary>
    /// The K splits of <paramref name="data"/>, one per fold and made as they are enumerated: Test is the fold's rows,
    /// Train every other row (both copies, rows in their original order), Validation null.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="folds"/> is below 2.</exception>
    /// <exception cref="ArgumentException">As for <see cref="Assign{T}"/>.</exception>
    public static IEnumerable<DatasetSplits<T>> Split<T>(Dataset<T> data, int folds, long seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] assignment = Assign(data, folds, seed);
        return Folds(data, assignment, folds);
    }

    private static IEnumerable<DatasetSplits<T>> Folds<T>(Dataset<T> data, int[] assignment, int folds) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int f = 0; f < folds; f++)
        {
            yield return Fold(data, assignment, f);
        }
    }

    /// <summary>The split whose test rows are those of fold <paramref name="fold"/> in <paramref name="assignment"/>.</summary>
    internal static DatasetSplits<T> Fold<T>(Dataset<T> data, int[] assignment, int fold) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var train = new List<int>(data.Count);
        var test = new List<int>(data.Count / 2);
        for (int row = 0; row < assignment.Length; row++)
        {
            (assignment[row] == fold ? test : train).Add(row);
        }
        return new DatasetSplits<T>(data.Subset(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(train)), null,
            data.Subset(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(test)));
    }

    private static void Check<T>(Dataset<T> data, int folds) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "Cross-validation needs at least 2 folds.");
        }
        if (!data.IsLabelled)
        {
            throw new ArgumentException("Rows without labels or targets cannot be cross-validated.", nameof(data));
        }
        if (data.Count < folds)
        {
            throw new ArgumentException($"{folds} folds need at least {folds} rows; the data has {data.Count}.", nameof(folds));
        }
        if (!data.IsClassification)
        {
            return;
        }
        var counts = new int[data.OutputCount];
        foreach (int label in data.Labels)
        {
            counts[label]++;
        }
        int smallest = -1;
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] > 0 && (smallest < 0 || counts[c] < counts[smallest]))
            {
                smallest = c;
            }
        }
        if (counts[smallest] < folds)
        {
            throw new ArgumentException(
                $"{folds} folds need at least {folds} rows of every class, but class '{data.ClassNames[smallest]}' has {counts[smallest]}; use at most {counts[smallest]} folds.", nameof(folds));
        }
    }
}
