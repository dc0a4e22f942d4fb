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
        AdamKernel.Coefficients<T> c = AdamKernel.CoefficientsOfStep<T>(0.001, 0.9, 0.999, 1e-8, decay == 0 ? 0 : 0.01, decay == 2, 3);
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

    // A tile of `rows` runs of `columns` elements, `columns + 3` apart, as the GEMM epilogue steps it: each run as the
    // scalar reference steps it, the elements between the runs untouched.
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 15)]
    [InlineData(8, 16)]
    [InlineData(8, 32)]
    [InlineData(5, 33)]
    [InlineData(2, 100)]
    public void Tile_steps_match_the_scalar_reference_bit_for_bit(int rows, int columns)
    {
        TileSteps<float>(rows, columns);
        TileSteps<double>(rows, columns);
    }

    private static unsafe void TileSteps<T>(int rows, int columns) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = columns + 3;
        int length = rows * stride;
        var random = new Random(rows * 100 + columns);
        T[] gradients = Values<T>(random, length, 0.1);
        // The reference steps each run in place; what lies between the runs stays as it was.
        void Rows(T[] p, T[] a, T[] b, Action<Span<T>, ReadOnlySpan<T>, Span<T>, Span<T>> step)
        {
            for (int r = 0; r < rows; r++)
            {
                int at = r * stride;
                step(p.AsSpan(at, columns), gradients.AsSpan(at, columns), a.AsSpan(at, columns), b.AsSpan(at, columns));
            }
        }

        foreach (int variant in new[] { 0, 1, 2 })
        {
            AdamKernel.Coefficients<T> c = AdamKernel.CoefficientsOfStep<T>(0.001, 0.9, 0.999, 1e-8, variant == 0 ? 0 : 0.01, variant == 2, 3);
            CheckRows($"adam {variant}", 1e-3, (p, g, m, v) => AdamKernel.StepReference(p, g, m, v, c),
                (p, m, v) => { fixed (T* pp = p, pg = gradients, pm = m, pv = v) { AdamKernel.StepTile(pp, pg, pm, pv, stride, rows, columns, c); } });
        }
        T eta = T.CreateChecked(0.05), lambda = T.CreateChecked(1e-4), mu = T.CreateChecked(0.9);
        foreach (bool nesterov in new[] { false, true })
        {
            CheckRows($"momentum {nesterov}", 0.05, (p, g, v, _) => MomentumKernel.StepReference(p, g, v, eta, lambda, mu, nesterov),
                (p, v, _) => { fixed (T* pp = p, pg = gradients, pv = v) { MomentumKernel.StepTile(pp, pg, pv, stride, rows, columns, eta, lambda, mu, nesterov); } });
        }
        T rho = T.CreateChecked(0.99), oneMinusRho = T.CreateChecked(0.01), eps = T.CreateChecked(1e-8);
        CheckRows("rmsprop", 1e-3, (p, g, s, _) => RmsPropKernel.StepReference(p, g, s, eta, lambda, rho, oneMinusRho, eps),
            (p, s, _) => { fixed (T* pp = p, pg = gradients, ps = s) { RmsPropKernel.StepTile(pp, pg, ps, stride, rows, columns, eta, lambda, rho, oneMinusRho, eps); } });

        void CheckRows(string name, double stateScale, Action<Span<T>, ReadOnlySpan<T>, Span<T>, Span<T>> reference, Action<T[], T[], T[]> tile)
        {
            T[] parameters = Values<T>(random, length, 2);
            T[] first = [.. Values<T>(random, length, stateScale).Select(T.Abs)], second = [.. Values<T>(random, length, stateScale).Select(T.Abs)];
            T[] expectedP = [.. parameters], expectedFirst = [.. first], expectedSecond = [.. second];
            Rows(expectedP, expectedFirst, expectedSecond, reference);
            tile(parameters, first, second);
            Assert.True(expectedP.AsSpan().SequenceEqual(parameters), $"{name} ({typeof(T).Name}): the parameters differ");
            Assert.True(expectedFirst.AsSpan().SequenceEqual(first), $"{name} ({typeof(T).Name}): the first state differs");
            Assert.True(expectedSecond.AsSpan().SequenceEqual(second), $"{name} ({typeof(T).Name}): the second state differs");
        }
    }

    // Uniform in ±scale / 2, every fourth value scaled down to around the smallest normal number (some subnormal, some
    // 0), where the updates flush their products' operands (Subnormals), so that the vector paths flush as the reference.
    private static T[] Values<T>(Random random, int length, double scale) where T : unmanaged, IFloatingPointIeee754<T>
        => [.. Enumerable.Range(0, length).Select(i =>
        {
            T x = T.CreateChecked((random.NextDouble() - 0.5) * scale);
            return i % 4 == 3 ? T.ScaleB(x, (typeof(T) == typeof(float) ? -110 : -1005) - random.Next(45)) : x;
        })];

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
