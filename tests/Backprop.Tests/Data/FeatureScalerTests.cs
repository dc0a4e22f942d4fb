namespace Backprop.Tests.Data;

/// <summary>Which features count as constant: only those whose values are all equal, however small the others are.</summary>
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
}
