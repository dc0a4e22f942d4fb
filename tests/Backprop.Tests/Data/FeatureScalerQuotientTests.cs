namespace Backprop.Tests.Data;

/// <summary>
/// Rescaling multiplies by 1 / Scale where that rounds to the float of the quotient and divides elsewhere: every value
/// has the bits of the scalar formula (float)((x − Offset) / Scale), also where the quotient lies within a few units of
/// its last place of a midpoint between two floats (where the product and the quotient can round apart), where it
/// leaves float's normal range, and for scales whose reciprocal is not a normal double.
/// </summary>
public class FeatureScalerQuotientTests
{
    // 45 columns: two Vector512 steps, one Vector256 step and five scalar values per row.
    private const int Features = 45;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Quotients_next_to_float_midpoints_round_as_the_scalar_formula_rounds_them(long seed)
    {
        var rng = new Rng(seed);
        int mismatches = 0;
        int nearMidpoints = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            // Each column's offset puts row 0's quotient a few double units from a midpoint between two floats.
            var x = new float[Features];
            var midpoints = new double[Features];
            var offset = new double[Features];
            var scale = new double[Features];
            for (int j = 0; j < Features; j++)
            {
                scale[j] = (rng.NextDouble() < 0.2 ? -1 : 1) * Math.Exp(rng.NextGaussian() * 4);
                float f = (float)(rng.NextGaussian() * Math.Exp(rng.NextGaussian() * 3));
                midpoints[j] = ((double)f + MathF.BitIncrement(f)) / 2;
                long units = (long)(rng.NextDouble() * 41) - 20;
                double target = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(midpoints[j]) + units);
                // x − offset is then exact or nearly (x = 0, or x of the size of the difference).
                x[j] = j % 2 == 0 ? 0f : (float)(target * scale[j] * rng.NextDouble());
                offset[j] = x[j] - target * scale[j];
            }
            var scaler = new FeatureScaler(ScalingKind.Standard, offset, scale);
            float[] rows = [.. x, .. Enumerable.Range(0, 3 * Features).Select(_ => (float)(rng.NextGaussian() * 100))];
            float[] inPlace = (float[])rows.Clone();
            scaler.Apply<float>(inPlace);
            var copied = new float[rows.Length];
            scaler.Apply(rows, copied);
            for (int i = 0; i < rows.Length; i++)
            {
                int j = i % Features;
                double quotient = (rows[i] - offset[j]) / scale[j];
                float expected = (float)quotient;
                nearMidpoints += i < Features && Math.Abs(BitConverter.DoubleToInt64Bits(quotient) - BitConverter.DoubleToInt64Bits(midpoints[j])) <= 64 ? 1 : 0;
                mismatches += BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(inPlace[i]) ? 1 : 0;
                mismatches += BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(copied[i]) ? 1 : 0;
            }
        }
        Assert.Equal(0, mismatches);
        // The offsets did put quotients next to midpoints (a test of nothing otherwise).
        Assert.True(nearMidpoints > 400 * Features / 2, $"only {nearMidpoints} quotients next to a midpoint");
    }

    [Fact]
    public void Quotients_outside_float_range_and_scales_without_a_normal_reciprocal_round_as_the_scalar_formula()
    {
        var rng = new Rng(9);
        double[][] scales =
        [
            // Results that overflow float, are subnormal floats or 0, and ordinary ones.
            [.. Enumerable.Range(0, Features).Select(j => j % 3 == 0 ? 1e-36 : j % 3 == 1 ? 1e36 : 0.7)],
            // A scale whose reciprocal is not a normal double: every column is divided.
            [.. Enumerable.Range(0, Features).Select(j => j == 7 ? 1e-310 : 1.3)],
            [.. Enumerable.Range(0, Features).Select(j => j == 7 ? 1e305 : -2.1)],
        ];
        foreach (double[] scale in scales)
        {
            double[] offset = [.. Enumerable.Range(0, Features).Select(_ => rng.NextGaussian())];
            var scaler = new FeatureScaler(ScalingKind.Standard, offset, scale);
            float[] rows = [.. Enumerable.Range(0, 8 * Features).Select(i => i % 17 == 0 ? 0f : (float)(rng.NextGaussian() * Math.Exp(rng.NextGaussian() * 10)))];
            var actual = new float[rows.Length];
            scaler.Apply(rows, actual);
            for (int i = 0; i < rows.Length; i++)
            {
                float expected = (float)((rows[i] - offset[i % Features]) / scale[i % Features]);
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual[i]));
            }
        }
    }

    [Fact]
    public void The_scaler_keeps_its_own_copy_of_the_offsets_and_scales()
    {
        double[] offset = [.. Enumerable.Repeat(1.0, Features)];
        double[] scale = [.. Enumerable.Repeat(2.0, Features)];
        var scaler = new FeatureScaler(ScalingKind.Standard, offset, scale);
        scale[0] = 4;
        offset[0] = 0;
        float[] row = [.. Enumerable.Repeat(5f, Features)];
        scaler.Apply<float>(row);
        Assert.Equal(2f, row[0]);
        Assert.Equal(2.0, scaler.Scale[0]);
    }
}
