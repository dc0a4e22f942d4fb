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

    public static TheoryData<string> FrameworkFunctions() => ["exp", "sigmoid", "tanh"];

    [Theory]
    [MemberData(nameof(FrameworkFunctions))]
    public void The_inlined_vector_functions_give_the_bits_of_TensorPrimitives(string name)
    {
        // Softmax.Exp and the sigmoid and tanh activations apply the framework operators' vector formulas themselves
        // (FrameworkLanes): lane by lane, the last partial vector as an overlapping full one. Every length from 1 to a
        // few hundred, in place and into another span, with extremes, zeros of both signs, NaN and infinities among
        // the values. (With DOTNET_EnableAVX512=0 this covers the Vector256 path.)
        var rng = new Rng(31);
        float[] special = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, -87.5f, -104f, 88.7f, 89f, 9.01f, -9.01f, 1e-30f, float.Epsilon];
        Action<float[], float[]> framework = name switch
        {
            "exp" => (x, y) => System.Numerics.Tensors.TensorPrimitives.Exp(x, y),
            "sigmoid" => (x, y) => System.Numerics.Tensors.TensorPrimitives.Sigmoid(x, y),
            _ => (x, y) => System.Numerics.Tensors.TensorPrimitives.Tanh(x, y),
        };
        Action<float[], float[]> ours = name switch
        {
            "exp" => (x, y) => { x.CopyTo(y, 0); Softmax.Exp<float>(y); },
            "sigmoid" => (x, y) => ActivationFunctions.Forward<float>(Activation.Sigmoid, x, y, Math.Max(1, x.Length)),
            _ => (x, y) => ActivationFunctions.Forward<float>(Activation.Tanh, x, y, Math.Max(1, x.Length)),
        };
        for (int n = 1; n <= 300; n += n < 70 ? 1 : 23)
        {
            float[] x = [.. Enumerable.Range(0, n).Select(_ => rng.Next(10) == 0 ? special[rng.Next(special.Length)] : (float)(40 * rng.NextDouble() - 30))];
            var expected = new float[n];
            framework(x, expected);
            var separate = new float[n];
            ours(x, separate);
            float[] inPlace = [.. x];
            ours(inPlace, inPlace);
            for (int i = 0; i < n; i++)
            {
                int want = BitConverter.SingleToInt32Bits(expected[i]);
                Assert.True(want == BitConverter.SingleToInt32Bits(separate[i]), $"{name} n={n} i={i} of {x[i]}: {separate[i]} vs {expected[i]}");
                Assert.True(want == BitConverter.SingleToInt32Bits(inPlace[i]), $"{name} in place n={n} i={i} of {x[i]}: {inPlace[i]} vs {expected[i]}");
            }
        }
    }

    public static TheoryData<int> Widths() => [1, 2, 3, 7, 10, 15, 16, 17];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Rows_in_the_lanes_give_the_bits_of_the_row_by_row_loops(int width)
    {
        // SoftmaxLanes puts a group of rows in the lanes of a vector; each row must come out as the per-row loops
        // compute it: every row count around the group sizes (8 and 16), with and without the log-sum-exp, in place and
        // into another span, on logits with ties, signed zeros, huge values, infinities and NaN among them.
        var rng = new Rng(width);
        float[] special = [0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 88.7f, -104f, 1e-30f, float.Epsilon, 3f];
        foreach (int rows in Enumerable.Range(1, 40).Concat([63, 64, 65, 100, 257]))
        {
            foreach (bool odd in new[] { false, true })
            {
                float[] z = [.. Enumerable.Range(0, rows * width).Select(_ => odd && rng.Next(6) == 0 ? special[rng.Next(special.Length)] : rng.Next(8) == 0 ? 3f : (float)(6 * rng.NextGaussian()))];
                var expected = new float[z.Length];
                var expectedLse = new float[rows];
                Softmax.ForwardRowsEach<float>(z, expected, width, expectedLse);
                var a = new float[z.Length];
                var lse = new float[rows];
                Softmax.ForwardRows<float>(z, a, width, lse);
                float[] inPlace = [.. z];
                Softmax.ForwardRows<float>(inPlace, inPlace, width);
                for (int i = 0; i < z.Length; i++)
                {
                    int want = BitConverter.SingleToInt32Bits(expected[i]);
                    Assert.True(want == BitConverter.SingleToInt32Bits(a[i]) || (float.IsNaN(expected[i]) && float.IsNaN(a[i])), $"{rows} rows of {width}, element {i}: {a[i]} vs {expected[i]}");
                    Assert.True(want == BitConverter.SingleToInt32Bits(inPlace[i]) || (float.IsNaN(expected[i]) && float.IsNaN(inPlace[i])), $"in place, {rows} rows of {width}, element {i}");
                }
                for (int r = 0; r < rows; r++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expectedLse[r]) == BitConverter.SingleToInt32Bits(lse[r]) || (float.IsNaN(expectedLse[r]) && float.IsNaN(lse[r])), $"{rows} rows of {width}, log-sum-exp of row {r}: {lse[r]} vs {expectedLse[r]}");
                }
            }
        }
    }
}
