using Backprop.Tests.Tensors;

namespace Backprop.Tests.Activations;

/// <summary>
/// A large batch's softmax is split into row blocks over the threads. Every row must come out with the bits of the
/// single-threaded pass, whatever the thread count, and close to the scalar per-row twin.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class SoftmaxRowsTests
{
    [Theory]
    [InlineData(10_000, 10)]
    [InlineData(4_099, 10)]
    [InlineData(20_000, 3)]
    [InlineData(100, 10)]
    public void Rows_split_over_threads_give_the_bits_of_one_pass(int rows, int width)
    {
        var rng = new Rng(rows + width);
        float[] z = [.. Enumerable.Range(0, rows * width).Select(_ => (float)(8 * rng.NextGaussian()))];
        var expected = new float[z.Length];
        var expectedLse = new float[rows];
        Softmax.ForwardRows<float>(z, expected, width, expectedLse);
        int saved = WorkerPool.ThreadCount;
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                WorkerPool.ThreadCount = threads;
                var a = new float[z.Length];
                var lse = new float[rows];
                Softmax.ForwardRowsParallel(z, a, width, lse);
                Assert.True(expected.AsSpan().SequenceEqual(a), $"{threads} threads: probabilities differ");
                Assert.True(expectedLse.AsSpan().SequenceEqual(lse), $"{threads} threads: log-sum-exp differs");
            }
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
        var row = new double[width];
        for (int r = 0; r < rows; r += 997)
        {
            Softmax.Forward<double>([.. z.AsSpan(r * width, width).ToArray().Select(v => (double)v)], row);
            for (int i = 0; i < width; i++)
            {
                Assert.Equal(row[i], expected[r * width + i], 1e-6);
            }
        }
    }
}
