namespace Backprop.Tests.Data;

public class StratifiedSplitTests
{
    private static Dataset<double> Unbalanced()
    {
        // 100 rows of class 0, 50 of class 1, 10 of class 2; feature 0 is the row number, so rows can be traced.
        int[] labels = [.. Enumerable.Repeat(0, 100), .. Enumerable.Repeat(1, 50), .. Enumerable.Repeat(2, 10)];
        double[] x = [.. Enumerable.Range(0, labels.Length).SelectMany(r => new double[] { r, -r })];
        return new Dataset<double>(x, 2, labels, 3, ["row", "minus"], ["a", "b", "c"]) { LabelName = "kind" };
    }

    private static int[] CountPerClass(Dataset<double> data)
    {
        var counts = new int[data.OutputCount];
        foreach (int label in data.Labels)
        {
            counts[label]++;
        }
        return counts;
    }

    [Fact]
    public void Each_split_keeps_the_class_proportions()
    {
        DatasetSplits<double> splits = StratifiedSplit.Split(Unbalanced(), 0.2, 0.1, seed: 5);

        Assert.Equal([20, 10, 2], CountPerClass(splits.Test!));
        Assert.Equal([10, 5, 1], CountPerClass(splits.Validation!));
        Assert.Equal([70, 35, 7], CountPerClass(splits.Train));
    }

    [Fact]
    public void The_splits_are_disjoint_cover_every_row_and_keep_rows_intact()
    {
        Dataset<double> data = Unbalanced();
        DatasetSplits<double> splits = StratifiedSplit.Split(data, 0.25, 0.25, seed: 9);
        var seen = new List<int>();
        foreach (Dataset<double> part in new[] { splits.Train, splits.Validation!, splits.Test! })
        {
            for (int r = 0; r < part.Count; r++)
            {
                int row = (int)part.Row(r)[0];
                Assert.Equal(-row, part.Row(r)[1]);
                Assert.Equal(data.Labels[row], part.Labels[r]);
                seen.Add(row);
            }
            Assert.Equal(data.FeatureNames, part.FeatureNames);
            Assert.Equal(data.ClassNames, part.ClassNames);
            Assert.Equal("kind", part.LabelName);
        }
        Assert.Equal(Enumerable.Range(0, data.Count), seen.Order());
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        Dataset<double> data = Unbalanced();
        double[] a = StratifiedSplit.Split(data, 0.2, 0, seed: 1).Test!.Features.ToArray();
        double[] b = StratifiedSplit.Split(data, 0.2, 0, seed: 1).Test!.Features.ToArray();
        double[] c = StratifiedSplit.Split(data, 0.2, 0, seed: 2).Test!.Features.ToArray();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Rows_keep_their_original_order_within_a_split()
    {
        Dataset<double> test = StratifiedSplit.Split(Unbalanced(), 0.3, 0, seed: 3).Test!;
        double[] rows = [.. Enumerable.Range(0, test.Count).Select(r => test.Row(r)[0])];
        Assert.Equal(rows.Order(), rows);
    }

    [Fact]
    public void Zero_fractions_return_the_data_itself_without_copying()
    {
        Dataset<double> data = Unbalanced();
        DatasetSplits<double> splits = StratifiedSplit.Split(data, 0, 0, seed: 1);

        Assert.Same(data, splits.Train);
        Assert.Null(splits.Validation);
        Assert.Null(splits.Test);
    }

    [Fact]
    public void Every_class_keeps_at_least_one_training_row()
    {
        var data = new Dataset<double>([1, 2, 3, 4, 5], 1, [0, 0, 0, 1, 1], 2);
        DatasetSplits<double> splits = StratifiedSplit.Split(data, 0.5, 0.4, seed: 1);

        Assert.Equal([1, 1], CountPerClassOf(splits.Train));
    }

    private static int[] CountPerClassOf(Dataset<double> data) => CountPerClass(data);

    [Theory]
    [InlineData(-0.1, 0)]
    [InlineData(1.0, 0)]
    [InlineData(0.5, 0.5)]
    [InlineData(double.NaN, 0)]
    public void Fractions_out_of_range_are_rejected(double test, double validation)
        => Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSplit.Split(Unbalanced(), test, validation, 1));
}
