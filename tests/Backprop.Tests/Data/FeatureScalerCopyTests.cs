namespace Backprop.Tests.Data;

/// <summary>Prediction's rescaling of rows on the way in (vectors of doubles) against the scaler's in-place loop.</summary>
public class FeatureScalerCopyTests
{
    [Theory]
    [InlineData(ScalingKind.Standard, 1)]
    [InlineData(ScalingKind.Standard, 7)]
    [InlineData(ScalingKind.Standard, 8)]
    [InlineData(ScalingKind.Standard, 21)]
    [InlineData(ScalingKind.MinMax, 13)]
    [InlineData(ScalingKind.None, 4)]
    public void Rescaling_into_another_span_gives_the_bits_of_rescaling_in_place(ScalingKind kind, int features)
    {
        var rng = new Rng(features);
        double[] offset = [.. Enumerable.Range(0, features).Select(_ => rng.NextGaussian() * 100)];
        double[] scale = [.. Enumerable.Range(0, features).Select(_ => Math.Exp(rng.NextGaussian() * 3))];
        var scaler = new FeatureScaler(kind, offset, scale);
        float[] rows = [.. Enumerable.Range(0, 9 * features).Select(_ => (float)(rng.NextGaussian() * 1000))];
        float[] expected = (float[])rows.Clone();
        scaler.Apply<float>(expected);
        var actual = new float[rows.Length];
        scaler.Apply(rows, actual);
        Assert.Equal(expected, actual);
    }
}
