namespace Backprop.Tests.Tensors;

/// <summary>The chunked, multi-threaded multiply-add against its scalar twin, d = x·y + a with the product rounded first.</summary>
[Collection(KernelSettingsCollection.Name)]
public class ParallelElementwiseTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (int length in new[] { 0, 1, 7, 8, 9, 31, 33, 257, 1023, 40_000, 101_770, 300_001 })
        {
            data.Add(length, 1);
            data.Add(length, 2);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multiply_add_matches_the_scalar_loop_bit_for_bit(int length, int threads)
    {
        var rng = new Rng(length);
        float[] x = new float[length];
        float[] a = new float[length];
        double[] xd = new double[length];
        double[] ad = new double[length];
        for (int i = 0; i < length; i++)
        {
            xd[i] = rng.NextGaussian() * Math.Pow(10, rng.NextDouble() * 4 - 2);
            ad[i] = rng.NextGaussian();
            x[i] = (float)xd[i];
            a[i] = (float)ad[i];
        }
        float[] expected = new float[length];
        double[] expectedD = new double[length];
        for (int i = 0; i < length; i++)
        {
            float product = x[i] * -0.1f;
            expected[i] = a[i] + product;
            double productD = xd[i] * -0.1;
            expectedD[i] = ad[i] + productD;
        }
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            ParallelElementwise.MultiplyAdd<float>(x, -0.1f, a, a);
            ParallelElementwise.MultiplyAdd<double>(xd, -0.1, ad, ad);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
        Assert.True(expected.AsSpan().SequenceEqual(a), "float results differ from the scalar loop");
        Assert.True(expectedD.AsSpan().SequenceEqual(ad), "double results differ from the scalar loop");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decayed_sgd_step_matches_the_scalar_loop_bit_for_bit(int length, int threads)
    {
        var rng = new Rng(length + 17);
        float[] p = new float[length];
        float[] g = new float[length];
        double[] pd = new double[length];
        double[] gd = new double[length];
        for (int i = 0; i < length; i++)
        {
            pd[i] = rng.NextGaussian();
            gd[i] = rng.NextGaussian() * 1e-3;
            p[i] = (float)pd[i];
            g[i] = (float)gd[i];
        }
        float[] expected = (float[])p.Clone();
        double[] expectedD = (double[])pd.Clone();
        for (int i = 0; i < length; i++)
        {
            expected[i] -= 0.1f * (g[i] + 1e-4f * expected[i]);
            expectedD[i] -= 0.1 * (gd[i] + 1e-4 * expectedD[i]);
        }
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            ParallelElementwise.DecayedStep<float>(p, g, 0.1f, 1e-4f);
            ParallelElementwise.DecayedStep<double>(pd, gd, 0.1, 1e-4);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
        Assert.True(expected.AsSpan().SequenceEqual(p), "float results differ from the scalar loop");
        Assert.True(expectedD.AsSpan().SequenceEqual(pd), "double results differ from the scalar loop");
    }
}
