using System.Runtime.Intrinsics;

namespace Backprop.Tests.Tensors;

/// <summary>
/// Prediction's two products: the small-batch z = x Wᵀ + b over W as stored against its scalar twin and against the
/// packed GEMM, and the GEMM on a prepacked Wᵀ against the GEMM that packs it per call (the same bits).
/// </summary>
/// <remarks>
/// The bound: each of two ways of summing n products in float32 (round-off unit u = 2⁻²⁴) is within γ_n Σ|x_p w_p|
/// of the exact sum, γ_n = n u / (1 − n u), and adding b rounds once more; so the two differ by at most
/// 2 γ_(n+1) (Σ|x_p w_p| + |b|). The tests check that bound, computed per element.
/// </remarks>
[Collection(KernelSettingsCollection.Name)]
public class SmallBatchProductTests
{
    public static TheoryData<int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int rows in new[] { 1, 2, 3, 8 })
        {
            foreach (int outputs in new[] { 1, 3, 4, 5, 10, 17 })
            {
                foreach (int inputs in new[] { 0, 1, 7, 8, 15, 16, 17, 31, 33, 100, 784 })
                {
                    data.Add(rows, outputs, inputs);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Small_batch_product_matches_the_scalar_twin_within_the_rounding_bound(int rows, int outputs, int inputs)
    {
        (float[] x, float[] w, float[] b) = Operands(rows, outputs, inputs, seed: rows * 1000 + outputs * 37 + inputs);
        var expected = new float[rows * outputs];
        SmallBatchProduct.Reference(x, w, b, expected, rows, outputs, inputs);
        foreach (bool wide in Widths())
        {
            var actual = new float[rows * outputs];
            SmallBatchProduct.Multiply(x, w, b, actual, rows, outputs, inputs, vector512: wide);
            AssertWithinBound($"z (Vector512 {wide})", x, w, b, expected, actual, rows, outputs, inputs);
        }
    }

    [PackedKernelTheory]
    [InlineData(1, 128, 784)]
    [InlineData(5, 10, 128)]
    [InlineData(8, 33, 17)]
    public void Small_batch_product_matches_the_packed_gemm_within_the_rounding_bound(int rows, int outputs, int inputs)
    {
        (float[] x, float[] w, float[] b) = Operands(rows, outputs, inputs, seed: 5);
        var packed = new float[rows * outputs];
        var relu = new float[rows * outputs];
        PackedGemm.Run(x, inputs, 1, w, 1, inputs, packed, rows, outputs, inputs, accumulate: false, GemmEpilogue.BiasRelu, b, relu);
        var small = new float[rows * outputs];
        SmallBatchProduct.Multiply(x, w, b, small, rows, outputs, inputs);
        AssertWithinBound("z", x, w, b, packed, small, rows, outputs, inputs);
    }

    [Fact]
    public void A_row_gets_the_same_bits_alone_and_in_a_batch()
    {
        const int rows = 7, outputs = 13, inputs = 50;
        (float[] x, float[] w, float[] b) = Operands(rows, outputs, inputs, seed: 9);
        var batch = new float[rows * outputs];
        SmallBatchProduct.Multiply(x, w, b, batch, rows, outputs, inputs);
        for (int r = 0; r < rows; r++)
        {
            var alone = new float[outputs];
            SmallBatchProduct.Multiply(x.AsSpan(r * inputs, inputs), w, b, alone, 1, outputs, inputs);
            Assert.Equal(batch.AsSpan(r * outputs, outputs).ToArray(), alone);
        }
    }

    [PackedKernelTheory]
    [InlineData(9, 128, 784)]
    [InlineData(64, 10, 128)]
    [InlineData(300, 128, 784)]
    [InlineData(1000, 33, 17)]
    [InlineData(20, 40, 1601)]
    public void Gemm_on_a_prepacked_operand_gives_the_bits_of_the_gemm_that_packs_it(int rows, int outputs, int inputs)
    {
        (float[] x, float[] w, float[] b) = Operands(rows, outputs, inputs, seed: 11);
        foreach (bool wide in Widths())
        {
            bool saved = PackedGemm.UseVector512;
            try
            {
                PackedGemm.UseVector512 = wide;
                foreach (GemmEpilogue epilogue in new[] { GemmEpilogue.Bias, GemmEpilogue.BiasRelu })
                {
                    var expected = new float[rows * outputs];
                    var expectedA = new float[rows * outputs];
                    PackedGemm.Run(x, inputs, 1, w, 1, inputs, expected, rows, outputs, inputs, accumulate: false, epilogue, b, expectedA);
                    var operand = new PackedGemm.PackedOperand();
                    var actual = new float[rows * outputs];
                    var actualA = new float[rows * outputs];
                    using (PackedGemm.Lease lease = operand.Acquire(w, 1, inputs, inputs, outputs, version: 1))
                    {
                        PackedGemm.RunPrepacked(x, inputs, 1, lease, actual, rows, epilogue, b, actualA);
                    }
                    Assert.Equal(expected, actual);
                    Assert.Equal(expectedA, actualA);
                }
            }
            finally
            {
                PackedGemm.UseVector512 = saved;
            }
        }
    }

    [PackedKernelFact]
    public void A_prepacked_operand_is_repacked_for_a_new_version_and_kept_for_the_same()
    {
        const int rows = 16, outputs = 20, inputs = 30;
        (float[] x, float[] w, float[] b) = Operands(rows, outputs, inputs, seed: 13);
        var operand = new PackedGemm.PackedOperand();
        float[] First()
        {
            var z = new float[rows * outputs];
            using PackedGemm.Lease lease = operand.Acquire(w, 1, inputs, inputs, outputs, version: 1);
            PackedGemm.RunPrepacked(x, inputs, 1, lease, z, rows, GemmEpilogue.Bias, b);
            return z;
        }
        float[] before = First();
        w[0] += 1;
        // The same version: the copy packed before is used (W changed without a new version is not seen).
        Assert.Equal(before, First());
        var z2 = new float[rows * outputs];
        using (PackedGemm.Lease lease = operand.Acquire(w, 1, inputs, inputs, outputs, version: 2))
        {
            PackedGemm.RunPrepacked(x, inputs, 1, lease, z2, rows, GemmEpilogue.Bias, b);
        }
        var expected = new float[rows * outputs];
        PackedGemm.Run(x, inputs, 1, w, 1, inputs, expected, rows, outputs, inputs, accumulate: false, GemmEpilogue.Bias, b);
        Assert.Equal(expected, z2);
        Assert.NotEqual(before[0], z2[0]);
    }

    private static void AssertWithinBound(string name, float[] x, float[] w, float[] b, float[] expected, float[] actual, int rows, int outputs, int inputs)
    {
        double u = Math.Pow(2, -24);
        double gamma = (inputs + 1) * u / (1 - (inputs + 1) * u);
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double magnitude = Math.Abs(b[o]);
                for (int p = 0; p < inputs; p++)
                {
                    magnitude += Math.Abs((double)x[r * inputs + p] * w[o * inputs + p]);
                }
                int i = r * outputs + o;
                double bound = 2 * gamma * magnitude;
                double diff = Math.Abs((double)expected[i] - actual[i]);
                Assert.True(diff <= bound, $"{name}[{r}, {o}]: {expected[i]:R} vs {actual[i]:R}, difference {diff:E3} > bound {bound:E3}");
            }
        }
    }

    private static (float[] X, float[] W, float[] B) Operands(int rows, int outputs, int inputs, long seed)
    {
        var rng = new Rng(seed);
        float[] Draw(int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = (float)rng.NextGaussian();
            }
            return values;
        }
        return (Draw(rows * inputs), Draw(outputs * inputs), Draw(outputs));
    }

    private static bool[] Widths() => Vector512.IsHardwareAccelerated ? [true, false] : [false];
}
