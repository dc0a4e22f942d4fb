namespace Backprop.Tests.Data;

public class BuiltInDatasetsTests
{
    [Fact]
    public void Iris_is_embedded_with_its_column_and_class_names()
    {
        Dataset<float> iris = BuiltInDatasets.Load<float>("iris");

        Assert.Equal(150, iris.Count);
        Assert.Equal(["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"], iris.FeatureNames);
        Assert.Equal(["setosa", "versicolor", "virginica"], iris.ClassNames);
        Assert.Equal("species", iris.LabelName);
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], iris.Row(0).ToArray());
        Assert.Equal(0, iris.Labels[0]);
        Assert.Equal(2, iris.Labels[149]);
    }

    [Fact]
    public void Digits_is_embedded_with_ten_numeric_classes_in_order()
    {
        Dataset<float> digits = BuiltInDatasets.Load<float>("digits");

        Assert.Equal(1797, digits.Count);
        Assert.Equal(64, digits.FeatureCount);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], digits.ClassNames);
        Assert.Equal("digit", digits.LabelName);
        Assert.Equal([0, 1, 2, 3], digits.Labels[..4].ToArray());
        float max = 0;
        foreach (float v in digits.Features)
        {
            max = Math.Max(max, v);
        }
        Assert.Equal(16f, max);
    }

    [Theory]
    [InlineData("moons", 2)]
    [InlineData("circles", 2)]
    [InlineData("spirals", 3)]
    public void Synthetic_sets_are_balanced_and_seeded(string name, int classes)
    {
        Dataset<float> a = BuiltInDatasets.LoadSplits<float>(name, new BuiltInDatasetOptions { Rows = 301, Seed = 4 }).Train;
        Dataset<float> b = BuiltInDatasets.LoadSplits<float>(name, new BuiltInDatasetOptions { Rows = 301, Seed = 4 }).Train;
        Dataset<float> c = BuiltInDatasets.LoadSplits<float>(name, new BuiltInDatasetOptions { Rows = 301, Seed = 5 }).Train;

        Assert.Equal(301, a.Count);
        Assert.Equal(2, a.FeatureCount);
        Assert.Equal(classes, a.OutputCount);
        Assert.Equal(a.Features.ToArray(), b.Features.ToArray());
        Assert.NotEqual(a.Features.ToArray(), c.Features.ToArray());
        var counts = new int[classes];
        foreach (int label in a.Labels)
        {
            counts[label]++;
        }
        Assert.True(counts.Max() - counts.Min() <= 1, string.Join(",", counts));
    }

    [Fact]
    public void Without_noise_the_circles_lie_on_radius_1_and_0_5()
    {
        Dataset<double> circles = SyntheticDatasets.Circles<double>(200, 0, seed: 1);
        for (int r = 0; r < circles.Count; r++)
        {
            double radius = Math.Sqrt(circles.Row(r)[0] * circles.Row(r)[0] + circles.Row(r)[1] * circles.Row(r)[1]);
            Assert.Equal(circles.Labels[r] == 0 ? 1.0 : 0.5, radius, 1e-12);
        }
    }

    [Fact]
    public void Without_noise_the_moons_lie_on_their_half_circles()
    {
        Dataset<double> moons = SyntheticDatasets.Moons<double>(100, 0, seed: 1);
        for (int r = 0; r < moons.Count; r++)
        {
            double x = moons.Row(r)[0], y = moons.Row(r)[1];
            (double cx, double cy) = moons.Labels[r] == 0 ? (0.0, 0.0) : (1.0, 0.5);
            Assert.Equal(1.0, Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)), 1e-12);
            Assert.True(moons.Labels[r] == 0 ? y >= -1e-12 : y <= 0.5 + 1e-12);
        }
    }

    [Fact]
    public void Noise_moves_the_points_by_about_its_standard_deviation()
    {
        Dataset<double> clean = SyntheticDatasets.Circles<double>(2000, 0, seed: 1);
        Dataset<double> noisy = SyntheticDatasets.Circles<double>(2000, 0.1, seed: 1);
        double sum = 0;
        for (int i = 0; i < clean.Features.Length; i++)
        {
            double d = noisy.Features[i] - clean.Features[i];
            sum += d * d;
        }
        Assert.Equal(0.1, Math.Sqrt(sum / clean.Features.Length), 0.01);
    }

    [Fact]
    public void The_seed_and_xor_sets_are_still_there()
    {
        Assert.Equal(1, BuiltInDatasets.Load<double>("seed").Count);
        Assert.Equal(4, BuiltInDatasets.Load<double>("XOR").Count);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => BuiltInDatasets.Load<float>("mnist"));
        Assert.Contains("fashion-mnist", e.Message);
        Assert.Contains("spirals", e.Message);
    }
}
