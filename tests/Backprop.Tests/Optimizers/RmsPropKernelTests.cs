namespace Backprop.Tests.Optimizers;

/// <summary>RMSprop's vectorised, multi-threaded update against its scalar twin, bit for bit.</summary>
[Collection(Tensors.KernelSettingsCollection.Name)]
public class RmsPropKernelTests
{
    public static TheoryData<int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (int length in new[] { 0, 1, 7, 8, 9, 17, 257, 40_000, 101_770 })
        {
            foreach (int threads in new[] { 1, 2 })
            {
                data.Add(length, threads, false);
                data.Add(length, threads, true);
            }
        }
        return data;
    }

    // decayed: with L2 weight decay λ = 1e-4, else λ = 0.

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_update_matches_the_scalar_reference_bit_for_bit(int length, int threads, bool decayed) => Check<float>(length, threads, decayed);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_update_matches_the_scalar_reference_bit_for_bit(int length, int threads, bool decayed) => Check<double>(length, threads, decayed);

    private static void Check<T>(int length, int threads, bool decayed) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(length * 5 + (decayed ? 1 : 0));
        T[] Values(double scale) => [.. Enumerable.Range(0, length).Select(_ => T.CreateChecked((random.NextDouble() - 0.5) * scale))];
        T[] parameters = Values(2), gradients = Values(0.1);
        T[] meanSquare = [.. Values(1e-3).Select(T.Abs)];
        T eta = T.CreateChecked(0.01), lambda = T.CreateChecked(decayed ? 1e-4 : 0), rho = T.CreateChecked(0.99), oneMinusRho = T.CreateChecked(0.01), eps = T.CreateChecked(1e-8);
        T[] expectedP = [.. parameters], expectedV = [.. meanSquare];
        RmsPropKernel.StepReference<T>(expectedP, gradients, expectedV, eta, lambda, rho, oneMinusRho, eps);

        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            RmsPropKernel.Step<T>(parameters, gradients, meanSquare, eta, lambda, rho, oneMinusRho, eps);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }

        Assert.Equal(expectedP, parameters);
        Assert.Equal(expectedV, meanSquare);
    }
}
