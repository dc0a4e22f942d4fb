using System.Numerics;

namespace Backprop.Tests.Data;

/// <summary>
/// Which features count as constant: only those whose values are all equal, however small the others are. Fitting and
/// applying (row by row on vectors, columns or rows shared by the threads) against the scalar twin: per column, the
/// minimum, maximum, mean and squared deviations summed in double over the rows in order, and each value rescaled as
/// T((double(x) − offset) / scale); bit for bit, for float and double, with one and two threads.
/// </summary>
[Collection(Tensors.KernelSettingsCollection.Name)]
public class FeatureScalerTests
{
    [Theory]
    [InlineData(ScalingKind.Standard)]
    [InlineData(ScalingKind.MinMax)]
    public void A_feature_of_values_near_1e_minus_15_is_scaled_not_dropped(ScalingKind kind)
    {
        // Column 0 separates the classes perfectly (1e-15 against 3e-15); column 1 is constant.
        float[] x = [1e-15f, 7f, 1e-15f, 7f, 3e-15f, 7f, 3e-15f, 7f];
        FeatureScaler scaler = FeatureScaler.Fit<float>(x, 2, kind);
        scaler.Apply<float>(x);

        float low = x[0], high = x[4];
        Assert.True(high - low > 0.9f, $"the scaled feature spans {low} to {high}");
        Assert.Equal(1.0, scaler.Scale[1]);
        Assert.All(x, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData(ScalingKind.Standard)]
    [InlineData(ScalingKind.MinMax)]
    public void A_constant_feature_keeps_scale_one_and_never_divides_by_zero(ScalingKind kind)
    {
        // 0.1 is not exact in binary: the mean of many copies differs from 0.1f by rounding, yet the column is constant.
        float[] x = [.. Enumerable.Repeat(0.1f, 1001)];
        FeatureScaler scaler = FeatureScaler.Fit<float>(x, 1, kind);
        scaler.Apply<float>(x);
        Assert.Equal(1.0, scaler.Scale[0]);
        Assert.All(x, v => Assert.True(Math.Abs(v) < 1e-6f));
    }

    [Fact]
    public void Values_whose_squares_underflow_are_scaled_by_their_range()
    {
        double[] x = [1e-170, 3e-170, 1e-170, 3e-170];
        FeatureScaler scaler = FeatureScaler.Fit<double>(x, 1, ScalingKind.Standard);
        scaler.Apply<double>(x);
        Assert.Equal(2e-170, scaler.Scale[0], 1e-180);
        Assert.Equal(-0.5, x[0], 1e-12);
        Assert.Equal(0.5, x[1], 1e-12);
    }

    [Fact]
    public void Ordinary_features_get_the_standard_deviation_and_the_range()
    {
        float[] x = [1f, 2f, 3f, 6f];
        Assert.Equal(Math.Sqrt(3.5), FeatureScaler.Fit<float>(x, 1, ScalingKind.Standard).Scale[0], 1e-15);
        Assert.Equal(5.0, FeatureScaler.Fit<float>(x, 1, ScalingKind.MinMax).Scale[0]);
    }

    [Theory]
    [InlineData(ScalingKind.Standard, 1, 30, 3)]
    [InlineData(ScalingKind.Standard, 2, 1000, 77)]
    [InlineData(ScalingKind.MinMax, 2, 1000, 77)]
    [InlineData(ScalingKind.Standard, 2, 3, 1)]
    [InlineData(ScalingKind.Standard, 2, 0, 5)]
    [InlineData(ScalingKind.MinMax, 1, 700, 130)]
    public void Fit_and_apply_give_the_bits_of_the_scalar_twin(ScalingKind kind, int threads, int rows, int width)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            Check<float>(kind, rows, width);
            Check<double>(kind, rows, width);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    [Theory]
    [InlineData(ScalingKind.Standard, 1, 300, 37)]
    [InlineData(ScalingKind.Standard, 2, 700, 130)]
    [InlineData(ScalingKind.MinMax, 2, 700, 130)]
    [InlineData(ScalingKind.Standard, 2, 100, 784)]
    public void Fitting_image_bytes_gives_the_bits_of_the_scalar_twin_over_b_over_255(ScalingKind kind, int threads, int rows, int width)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            var rng = new Rng(rows + width);
            var pixels = new byte[rows * width];
            for (int i = 0; i < pixels.Length; i++)
            {
                // Column 0 constant, column 1 only 0 or 1, the others over a range of their own.
                int j = i % width;
                pixels[i] = (byte)(j == 0 ? 17 : j == 1 ? rng.Next(2) : j % 5 * 40 + rng.Next(j % 7 * 8 + 1));
            }
            var labels = new int[rows];
            Dataset<float> bytes = Dataset<float>.FromPixels(pixels, width, labels, 1);
            float[] values = [.. pixels.Select(b => b / 255f)];

            FeatureScaler scaler = FeatureScaler.Fit(bytes, kind);
            Assert.True(bytes.KeepsPixelBytes);
            (double[] offset, double[] scale) = Twin(values, width, kind);
            Assert.Equal(offset, scaler.Offset);
            Assert.Equal(scale, scaler.Scale);

            // Rescaled bytes are looked up through their table, a row at a time: fitting them again reads those values.
            bytes.Rescale(scaler);
            scaler.Apply<float>(values);
            FeatureScaler again = FeatureScaler.Fit(bytes, kind);
            Assert.True(bytes.KeepsPixelBytes);
            (offset, scale) = Twin(values, width, kind);
            Assert.Equal(offset, again.Offset);
            Assert.Equal(scale, again.Scale);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    private static void Check<T>(ScalingKind kind, int rows, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(rows * 31 + width);
        var values = new T[rows * width];
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % width;
            // Column 0 constant, column 1 tiny, the others spread over a few orders of magnitude around an offset.
            double v = j == 0 ? 3.5 : j == 1 ? 1e-20 * rng.NextGaussian() : (j % 7) * 100 + Math.Pow(10, j % 5 - 2) * rng.NextGaussian();
            values[i] = T.CreateChecked(v);
        }
        FeatureScaler scaler = FeatureScaler.Fit<T>(values, width, kind);
        (double[] offset, double[] scale) = Twin(values, width, kind);
        Assert.Equal(offset, scaler.Offset);
        Assert.Equal(scale, scaler.Scale);

        T[] applied = (T[])values.Clone();
        scaler.Apply<T>(applied);
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % width;
            Assert.Equal(T.CreateChecked((double.CreateChecked(values[i]) - offset[j]) / scale[j]), applied[i]);
        }
    }

    // The scalar twin: each column on its own, over the rows in order.
    private static (double[] Offset, double[] Scale) Twin<T>(T[] features, int width, ScalingKind kind) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = features.Length / width;
        var offset = new double[width];
        var scale = new double[width];
        Array.Fill(scale, 1.0);
        if (rows == 0)
        {
            return (offset, scale);
        }
        for (int j = 0; j < width; j++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity, mean = 0;
            for (int r = 0; r < rows; r++)
            {
                double v = double.CreateChecked(features[r * width + j]);
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                mean += v;
            }
            mean /= rows;
            bool constant = min == max;
            if (kind == ScalingKind.Standard)
            {
                double variance = 0;
                for (int r = 0; r < rows; r++)
                {
                    double d = double.CreateChecked(features[r * width + j]) - mean;
                    variance += d * d;
                }
                double sd = Math.Sqrt(variance / rows);
                offset[j] = mean;
                scale[j] = constant ? 1.0 : double.IsNormal(sd) ? sd : max - min;
            }
            else
            {
                offset[j] = min;
                scale[j] = constant ? 1.0 : max - min;
            }
        }
        return (offset, scale);
    }
}
