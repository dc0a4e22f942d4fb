namespace Backprop.Tests.Tensors;

[Collection(KernelSettingsCollection.Name)]
public class EngineTests
{
    private static double[] Counting(int count, int start) => [.. Enumerable.Range(start, count).Select(i => (double)(i % 7 - 3))];

    [Theory]
    [InlineData(GemmOperation.AB)]
    [InlineData(GemmOperation.ABTransposed)]
    [InlineData(GemmOperation.ATransposedB)]
    public void Multiply_computes_the_product_it_names(GemmOperation operation)
    {
        const int m = 3, n = 5, k = 4;
        double[] a = Counting(m * k, 1);
        double[] b = Counting(k * n, 2);
        var c = new double[m * n];
        Engine.Multiply<double>(operation, a, b, c, m, n, k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = 0;
                for (int p = 0; p < k; p++)
                {
                    double aip = operation == GemmOperation.ATransposedB ? a[p * m + i] : a[i * k + p];
                    double bpj = operation == GemmOperation.ABTransposed ? b[j * k + p] : b[p * n + j];
                    expected += aip * bpj;
                }
                Assert.Equal(expected, c[i * n + j]);
            }
        }
    }

    [Fact]
    public void Multiply_in_float_agrees_with_double()
    {
        const int m = 17, n = 40, k = 33;
        double[] a = Counting(m * k, 3);
        double[] b = Counting(k * n, 5);
        var c = new double[m * n];
        var cf = new float[m * n];
        Engine.Multiply<double>(GemmOperation.ABTransposed, a, b, c, m, n, k);
        Engine.Multiply<float>(GemmOperation.ABTransposed, [.. a.Select(v => (float)v)], [.. b.Select(v => (float)v)], cf, m, n, k);
        Assert.Equal(c, cf.Select(v => (double)v));
    }

    [Fact]
    public void Multiply_rejects_short_spans_and_negative_sizes()
    {
        var a = new double[6];
        var b = new double[9];
        var c = new double[4];
        ArgumentException e = Assert.Throws<ArgumentException>(() => Engine.Multiply<double>(GemmOperation.AB, a, b, c, 2, 3, 3));
        Assert.Equal("c", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Engine.Multiply<double>(GemmOperation.AB, a, b, c, -1, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Engine.Multiply<double>((GemmOperation)7, a, b, c, 2, 2, 3));
    }

    [Fact]
    public void Thread_count_is_clamped_and_kept()
    {
        int saved = Engine.ThreadCount;
        try
        {
            Engine.ThreadCount = 0;
            Assert.Equal(1, Engine.ThreadCount);
            Engine.ThreadCount = 3;
            Assert.Equal(3, Engine.ThreadCount);
        }
        finally
        {
            Engine.ThreadCount = saved;
        }
    }

    [Fact]
    public void The_kernel_description_names_the_kernel_in_use()
    {
        Assert.Equal(!Engine.IsAccelerated, Engine.KernelDescription.StartsWith("plain loops", StringComparison.Ordinal));
        Assert.Equal(Engine.UsesVector512, Engine.KernelDescription.Contains("Vector512", StringComparison.Ordinal));
    }

    [Fact]
    public void The_fma_peak_is_positive_and_the_thread_count_is_restored()
    {
        int saved = Engine.ThreadCount;
        double peak = Engine.MeasureFmaPeak(1, seconds: 0);
        Assert.True(peak > 0, $"peak {peak}");
        Assert.Equal(saved, Engine.ThreadCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => Engine.MeasureFmaPeak(0));
    }
}
