using System.Numerics;

namespace Backprop.Tests.Optimizers;

/// <summary>The vectorised, multi-threaded optimizer updates (Adam, momentum, RMSprop) against their scalar twins, bit for bit.</summary>
[Collection(Tensors.KernelSettingsCollection.Name)]
public class OptimizerKernelTests
{
    private static readonly int[] Lengths = [0, 1, 7, 8, 9, 15, 16, 17, 33, 257, 1023, 40_000, 101_770];

    // Length, threads and a variant of each update (Adam: 0 no decay, 1 coupled L2, 2 decoupled; momentum: 0 heavy
    // ball, 1 Nesterov; RMSprop: 0 no decay, 1 L2).
    public static TheoryData<int, int, int> Cases(int variants)
    {
        var data = new TheoryData<int, int, int>();
        foreach (int length in Lengths)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                for (int variant = 0; variant < variants; variant++)
                {
                    data.Add(length, threads, variant);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), 3)]
    public void Adam_float_matches_the_scalar_reference_bit_for_bit(int length, int threads, int decay) => Adam<float>(length, threads, decay);

    [Theory]
    [MemberData(nameof(Cases), 3)]
    public void Adam_double_matches_the_scalar_reference_bit_for_bit(int length, int threads, int decay) => Adam<double>(length, threads, decay);

    [Theory]
    [MemberData(nameof(Cases), 2)]
    public void Momentum_float_matches_the_scalar_reference_bit_for_bit(int length, int threads, int nesterov) => Momentum<float>(length, threads, nesterov == 1);

    [Theory]
    [MemberData(nameof(Cases), 2)]
    public void Momentum_double_matches_the_scalar_reference_bit_for_bit(int length, int threads, int nesterov) => Momentum<double>(length, threads, nesterov == 1);

    [Theory]
    [MemberData(nameof(Cases), 2)]
    public void RmsProp_float_matches_the_scalar_reference_bit_for_bit(int length, int threads, int decayed) => RmsProp<float>(length, threads, decayed == 1);

    [Theory]
    [MemberData(nameof(Cases), 2)]
    public void RmsProp_double_matches_the_scalar_reference_bit_for_bit(int length, int threads, int decayed) => RmsProp<double>(length, threads, decayed == 1);

    private static void Adam<T>(int length, int threads, int decay) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(length * 7 + decay);
        T[] parameters = Values<T>(random, length, 2), gradients = Values<T>(random, length, 0.1), m = Values<T>(random, length, 0.01);
        T[] v = [.. Values<T>(random, length, 1e-4).Select(T.Abs)];
        var c = new AdamKernel.Coefficients<T>(
            T.CreateChecked(0.9), T.CreateChecked(0.999), T.CreateChecked(0.1), T.CreateChecked(0.001),
            StepSize: T.CreateChecked(0.001 / (1 - Math.Pow(0.9, 3))), RootCorrection: T.CreateChecked(Math.Sqrt(1 - Math.Pow(0.999, 3))),
            Epsilon: T.CreateChecked(1e-8), Lambda: T.CreateChecked(0.01), Decay: T.CreateChecked(1e-5),
            Coupled: decay == 1, Decoupled: decay == 2);
        T[] expectedP = [.. parameters], expectedM = [.. m], expectedV = [.. v];
        AdamKernel.StepReference<T>(expectedP, gradients, expectedM, expectedV, c);

        WithThreads(threads, () => AdamKernel.Step<T>(parameters, gradients, m, v, c));

        Assert.Equal(expectedP, parameters);
        Assert.Equal(expectedM, m);
        Assert.Equal(expectedV, v);
    }

    private static void Momentum<T>(int length, int threads, bool nesterov) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(length * 3 + (nesterov ? 1 : 0));
        T[] parameters = Values<T>(random, length, 2), gradients = Values<T>(random, length, 0.1), velocity = Values<T>(random, length, 0.05);
        T eta = T.CreateChecked(0.05), lambda = T.CreateChecked(1e-4), mu = T.CreateChecked(0.9);
        T[] expectedP = [.. parameters], expectedV = [.. velocity];
        MomentumKernel.StepReference<T>(expectedP, gradients, expectedV, eta, lambda, mu, nesterov);

        WithThreads(threads, () => MomentumKernel.Step<T>(parameters, gradients, velocity, eta, lambda, mu, nesterov));

        Assert.Equal(expectedP, parameters);
        Assert.Equal(expectedV, velocity);
    }

    private static void RmsProp<T>(int length, int threads, bool decayed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(length * 5 + (decayed ? 1 : 0));
        T[] parameters = Values<T>(random, length, 2), gradients = Values<T>(random, length, 0.1);
        T[] meanSquare = [.. Values<T>(random, length, 1e-3).Select(T.Abs)];
        T eta = T.CreateChecked(0.01), lambda = T.CreateChecked(decayed ? 1e-4 : 0), rho = T.CreateChecked(0.99), oneMinusRho = T.CreateChecked(0.01), eps = T.CreateChecked(1e-8);
        T[] expectedP = [.. parameters], expectedS = [.. meanSquare];
        RmsPropKernel.StepReference<T>(expectedP, gradients, expectedS, eta, lambda, rho, oneMinusRho, eps);

        WithThreads(threads, () => RmsPropKernel.Step<T>(parameters, gradients, meanSquare, eta, lambda, rho, oneMinusRho, eps));

        Assert.Equal(expectedP, parameters);
        Assert.Equal(expectedS, meanSquare);
    }

    private static T[] Values<T>(Random random, int length, double scale) where T : unmanaged, IFloatingPointIeee754<T>
        => [.. Enumerable.Range(0, length).Select(_ => T.CreateChecked((random.NextDouble() - 0.5) * scale))];

    private static void WithThreads(int threads, Action action)
    {
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = threads;
            action();
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }
}
