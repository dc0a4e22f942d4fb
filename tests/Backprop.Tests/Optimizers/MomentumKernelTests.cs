namespace Backprop.Tests.Optimizers;

/// <summary>SGD momentum's vectorised, multi-threaded update against its scalar twin, bit for bit.</summary>
[Collection(Tensors.KernelSettingsCollection.Name)]
public class MomentumKernelTests
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

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_update_matches_the_scalar_reference_bit_for_bit(int length, int threads, bool nesterov) => Check<float>(length, threads, nesterov);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_update_matches_the_scalar_reference_bit_for_bit(int length, int threads, bool nesterov) => Check<double>(length, threads, nesterov);

    private static void Check<T>(int length, int threads, bool nesterov) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(length * 3 + (nesterov ? 1 : 0));
        T[] Values(double scale) => [.. Enumerable.Range(0, length).Select(_ => T.CreateChecked((random.NextDouble() - 0.5) * scale))];
        T[] parameters = Values(2), gradients = Values(0.1), velocity = Values(0.05);
        T eta = T.CreateChecked(0.05), lambda = T.CreateChecked(1e-4), mu = T.CreateChecked(0.9);
        T[] expectedP = [.. parameters], expectedV = [.. velocity];
        MomentumKernel.StepReference<T>(expectedP, gradients, expectedV, eta, lambda, mu, nesterov);

        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            MomentumKernel.Step<T>(parameters, gradients, velocity, eta, lambda, mu, nesterov);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }

        Assert.Equal(expectedP, parameters);
        Assert.Equal(expectedV, velocity);
    }
}
