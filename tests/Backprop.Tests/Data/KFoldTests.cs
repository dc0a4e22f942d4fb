namespace Backprop.Tests.Data;

public class KFoldTests
{
    // 50 rows of class a, 30 of b, 7 of c; feature 0 is the row number, so rows can be traced through subsets.
    private static Dataset<double> Unbalanced()
    {
        int[] labels = [.. Enumerable.Repeat(0, 50), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 7)];
        double[] x = [.. Enumerable.Range(0, labels.Length).Select(r => (double)r)];
        return new Dataset<double>(x, 1, labels, 3, ["row"], ["a", "b", "c"]);
    }

    [Fact]
    public void Every_row_is_in_exactly_one_test_fold_and_every_other_fold_trains_on_it()
    {
        Dataset<double> data = Unbalanced();
        DatasetSplits<double>[] folds = [.. KFold.Split(data, 5, seed: 3)];

        Assert.Equal(5, folds.Length);
        int[] tested = [.. folds.SelectMany(f => Rows(f.Test!))];
        Assert.Equal(Enumerable.Range(0, data.Count), tested.Order());
        foreach (DatasetSplits<double> fold in folds)
        {
            Assert.Null(fold.Validation);
            int[] train = Rows(fold.Train);
            int[] test = Rows(fold.Test!);
            Assert.Empty(train.Intersect(test));
            Assert.Equal(data.Count, train.Length + test.Length);
            Assert.All(train.Concat(test), row => Assert.Equal(data.Labels[row], LabelOf(fold, row)));
        }
    }

    [Fact]
    public void Stratified_folds_hold_each_class_in_proportion_and_differ_in_size_by_at_most_one()
    {
        Dataset<double> data = Unbalanced();
        int[] fold = KFold.Assign(data, 5, seed: 11);

        for (int c = 0; c < 3; c++)
        {
            int[] perFold = [.. Enumerable.Range(0, 5).Select(f => Enumerable.Range(0, data.Count).Count(r => fold[r] == f && data.Labels[r] == c))];
            // 50 → 10 each, 30 → 6 each, 7 → 1 or 2 each.
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {c}: {string.Join(",", perFold)}");
        }
        int[] sizes = [.. Enumerable.Range(0, 5).Select(f => fold.Count(x => x == f))];
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        Assert.Equal(87, sizes.Sum());
    }

    [Fact]
    public void The_same_seed_gives_the_same_folds_and_another_seed_others()
    {
        Dataset<double> data = Unbalanced();
        Assert.Equal(KFold.Assign(data, 4, seed: 1), KFold.Assign(data, 4, seed: 1));
        Assert.NotEqual(KFold.Assign(data, 4, seed: 1), KFold.Assign(data, 4, seed: 2));
    }

    [Fact]
    public void Regression_rows_are_shuffled_into_folds_without_strata()
    {
        double[] x = [.. Enumerable.Range(0, 23).Select(r => (double)r)];
        var data = new Dataset<double>(x, 1, [.. x.Select(v => v * 2)], 1);
        int[] fold = KFold.Assign(data, 4, seed: 5);

        int[] sizes = [.. Enumerable.Range(0, 4).Select(f => fold.Count(x => x == f))];
        Assert.Equal([6, 6, 6, 5], sizes);
        // Shuffled: not simply consecutive blocks or row % 4.
        Assert.NotEqual(Enumerable.Range(0, 23).Select(r => r % 4), fold);
    }

    [Fact]
    public void More_folds_than_rows_of_the_smallest_class_is_refused_naming_the_class()
    {
        var e = Assert.Throws<ArgumentException>(() => KFold.Assign(Unbalanced(), 8, seed: 0));
        Assert.Contains("class 'c' has 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("at most 7 folds", e.Message, StringComparison.Ordinal);
        Assert.Equal(7, KFold.Assign(Unbalanced(), 7, seed: 0).Max() + 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-3)]
    public void Fewer_than_two_folds_is_refused(int folds)
        => Assert.Throws<ArgumentOutOfRangeException>(() => KFold.Assign(Unbalanced(), folds, seed: 0));

    private static int[] Rows(Dataset<double> part) => [.. Enumerable.Range(0, part.Count).Select(r => (int)part.Row(r)[0])];

    private static int LabelOf(DatasetSplits<double> fold, int row)
    {
        foreach (Dataset<double> part in new[] { fold.Train, fold.Test! })
        {
            for (int r = 0; r < part.Count; r++)
            {
                if ((int)part.Row(r)[0] == row)
                {
                    return part.Labels[r];
                }
            }
        }
        return -1;
    }
}
