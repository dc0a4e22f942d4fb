namespace Backprop.Tests.Optimizers;

/// <summary>Adam's vectorised, multi-threaded update against its scalar twin, bit for bit.</summary>
[Collection(Tensors.KernelSettingsCollection.Name)]
public class AdamKernelTests
{
    public static TheoryData<int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int length in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 33, 257, 1023, 40_000, 101_770 })
        {
            foreach (int threads in new[] { 1, 2 })
            {
                foreach (int decay in new[] { 0, 1, 2 })
                {
                    data.Add(length, threads, decay);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_update_matches_the_scalar_reference_bit_for_bit(int length, int threads, int decay) => Check<float>(length, threads, decay);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_update_matches_the_scalar_reference_bit_for_bit(int length, int threads, int decay) => Check<double>(length, threads, decay);

    // decay: 0 none, 1 coupled L2 (Adam), 2 decoupled (AdamW).
    private static void Check<T>(int length, int threads, int decay) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(length * 7 + decay);
        T[] Values(double scale) => [.. Enumerable.Range(0, length).Select(_ => T.CreateChecked((random.NextDouble() - 0.5) * scale))];
        T[] parameters = Values(2), gradients = Values(0.1), m = Values(0.01);
        T[] v = [.. Values(1e-4).Select(T.Abs)];
        var c = new AdamKernel.Coefficients<T>(
            T.CreateChecked(0.9), T.CreateChecked(0.999), T.CreateChecked(0.1), T.CreateChecked(0.001),
            StepSize: T.CreateChecked(0.001 / (1 - Math.Pow(0.9, 3))), RootCorrection: T.CreateChecked(Math.Sqrt(1 - Math.Pow(0.999, 3))),
            Epsilon: T.CreateChecked(1e-8), Lambda: T.CreateChecked(0.01), Decay: T.CreateChecked(1e-5),
            Coupled: decay == 1, Decoupled: decay == 2);
        T[] expectedP = [.. parameters], expectedM = [.. m], expectedV = [.. v];
        AdamKernel.StepReference<T>(expectedP, gradients, expectedM, expectedV, c);

        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            AdamKernel.Step<T>(parameters, gradients, m, v, c);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }

        Assert.Equal(expectedP, parameters);
        Assert.Equal(expectedM, m);
        Assert.Equal(expectedV, v);
    }
}
