using System.Globalization;

namespace Backprop.Tests.Tensors;

/// <summary>
/// The float32 GEMM (packed micro-kernels where the CPU has them) against its scalar twin, for the three shapes
/// training uses, over sizes from 0 to a few hundred with odd tails, with a tolerance that scales with the magnitude
/// of the terms summed. Both the Vector512 and the Vector256 micro-kernels are covered where the CPU has them.
/// </summary>
[Collection(KernelSettingsCollection.Name)]
public class GemmTests
{
    public enum Shape
    {
        TransposedB,
        Plain,
        TransposedA,
    }

    private static readonly int[] Small = [0, 1, 3, 8, 9, 17, 33];

    public static TheoryData<Shape, int, int, int> SmallCases()
    {
        var data = new TheoryData<Shape, int, int, int>();
        foreach (Shape shape in Enum.GetValues<Shape>())
        {
            foreach (int m in Small)
            {
                foreach (int n in Small)
                {
                    foreach (int k in Small)
                    {
                        data.Add(shape, m, n, k);
                    }
                }
            }
        }
        return data;
    }

    // Beyond one register tile, one k block (800), one row block (128) and one column block (512).
    public static TheoryData<Shape, int, int, int> LargeCases()
    {
        var data = new TheoryData<Shape, int, int, int>();
        foreach (Shape shape in Enum.GetValues<Shape>())
        {
            data.Add(shape, 64, 128, 784);
            data.Add(shape, 64, 10, 128);
            data.Add(shape, 128, 784, 64);
            data.Add(shape, 257, 100, 300);
            data.Add(shape, 130, 70, 513);
            data.Add(shape, 20, 601, 31);
            data.Add(shape, 1, 300, 299);
            data.Add(shape, 299, 1, 257);
            data.Add(shape, 37, 45, 1601);
            data.Add(shape, 9, 130, 2049);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SmallCases))]
    [MemberData(nameof(LargeCases))]
    public void Float_gemm_matches_the_scalar_twin(Shape shape, int m, int n, int k)
    {
        foreach (bool wide in Widths())
        {
            foreach (bool accumulate in new[] { false, true })
            {
                CheckAgainstReference(shape, m, n, k, accumulate, wide);
            }
        }
    }

    [PackedKernelTheory]
    [InlineData("Bias")]
    [InlineData("BiasRelu")]
    [InlineData("ReluMask")]
    [InlineData("Step")]
    [InlineData("DecayedStep")]
    public void Fused_epilogues_match_the_product_followed_by_the_scalar_epilogue(string name)
    {
        GemmEpilogue epilogue = Enum.Parse<GemmEpilogue>(name);
        foreach (bool wide in Widths())
        {
            // (16, 64, 1601) and (9, 40, 1000): several k blocks, so the last block adds to C before the epilogue.
            // (150, 70, 900): B packed whole, 12-row tiles of A walking its panels, a narrow last panel, two k blocks.
            foreach ((int m, int n, int k) in new[] { (1, 1, 1), (9, 33, 17), (64, 128, 784), (65, 10, 128), (64, 300, 10), (3, 0, 5), (7, 5, 0), (16, 64, 1601), (9, 40, 1000), (150, 70, 900) })
            {
                var rng = new Rng(m * 7919 + n * 31 + k);
                float[] a = Random(rng, m * k, 1.0);
                float[] b = Random(rng, k * n, 1.0);
                float[] bias = Random(rng, n, 1.0);
                float[] aux = Random(rng, m * n, 1.0);
                float[] expected = new float[m * n];
                float[] expectedAux = (float[])aux.Clone();
                using (Width(wide))
                {
                    PackedGemm.Run(a, k, 1, b, n, 1, expected, m, n, k, accumulate: false);
                }
                GemmReference.ApplyEpilogue<float>(epilogue, expected, bias, expectedAux, m, n, -0.1f, 3e-3f);

                float[] actual = new float[m * n];
                float[] actualAux = (float[])aux.Clone();
                using (Width(wide))
                {
                    PackedGemm.Run(a, k, 1, b, n, 1, actual, m, n, k, accumulate: false, epilogue, bias, actualAux, -0.1f, 3e-3f);
                }
                string label = string.Create(CultureInfo.InvariantCulture, $"{epilogue} ({m}, {n}, {k}) wide={wide}");
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{label}: C differs");
                Assert.True(expectedAux.AsSpan().SequenceEqual(actualAux), $"{label}: aux differs");
            }
            if (epilogue is not (GemmEpilogue.Step or GemmEpilogue.DecayedStep))
            {
                continue;
            }
            // ∇W = δᵀ x with W stepped: op(A) = δᵀ, δ of shape (k, m), whose columns the Vector256 kernels read in
            // place (up to 256 rows), six and four at a time with the step from the registers, a narrow last panel
            // and the rows past them packed; past 256 rows δᵀ is packed. ∇W lies in a buffer aligned to a cache line,
            // `offset` values on: (256, 520, 64) and (512, 784, 32) are layers large enough for ∇W to be written past
            // the caches, on rows that begin on a cache line (every other row of 520 values, every row of 784) and
            // rows that do not (offset 4).
            foreach ((int m, int n, int k, int offset) in new[] { (128, 784, 64, 0), (100, 70, 256, 0), (13, 40, 300, 0), (6, 16, 5, 0), (22, 33, 130, 0), (256, 520, 64, 0), (512, 784, 32, 0), (512, 784, 32, 4) })
            {
                var rng = new Rng(m * 31 + n * 7 + k);
                float[] delta = Random(rng, k * m, 1.0);
                float[] x = Random(rng, k * n, 1.0);
                float[] w = Random(rng, m * n, 1.0);
                float[] expected = new float[m * n];
                float[] expectedW = (float[])w.Clone();
                Span<float> actual = new AlignedBuffer<float>(m * n + 16).AsSpan(offset, m * n);
                float[] actualW = (float[])w.Clone();
                using (Width(wide))
                {
                    PackedGemm.Run(delta, 1, m, x, n, 1, expected, m, n, k, accumulate: false);
                    PackedGemm.Run(delta, 1, m, x, n, 1, actual, m, n, k, accumulate: false, epilogue, default, actualW, -0.1f, 3e-3f);
                }
                GemmReference.ApplyEpilogue<float>(epilogue, expected, [], expectedW, m, n, -0.1f, 3e-3f);
                string label = string.Create(CultureInfo.InvariantCulture, $"{epilogue} δᵀ x ({m}, {n}, {k}) offset {offset} wide={wide}");
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"{label}: ∇W differs");
                Assert.True(expectedW.AsSpan().SequenceEqual(actualW), $"{label}: W differs");
            }
        }
    }

    [Theory]
    [InlineData(Shape.TransposedB, 64, 128, 784)]
    [InlineData(Shape.Plain, 64, 784, 128)]
    [InlineData(Shape.TransposedA, 128, 784, 64)]
    [InlineData(Shape.TransposedA, 128, 784, 256)]
    [InlineData(Shape.TransposedB, 300, 257, 513)]
    [InlineData(Shape.Plain, 130, 300, 1700)]
    public void Float_gemm_is_bit_identical_with_one_and_two_threads(Shape shape, int m, int n, int k)
    {
        var rng = new Rng(42);
        float[] a = Random(rng, m * k, 1.0);
        float[] b = Random(rng, k * n, 1.0);
        float[] one = new float[m * n];
        float[] two = new float[m * n];
        int saved = WorkerPool.ThreadCount;
        try
        {
            WorkerPool.ThreadCount = 1;
            Multiply(shape, a, b, one, m, n, k, accumulate: false);
            WorkerPool.ThreadCount = 2;
            Multiply(shape, a, b, two, m, n, k, accumulate: false);
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
        Assert.Equal(one, two);
    }

    // Row-major A (the plain and x·Wᵀ shapes) is read in place by the micro-kernel, and on Vector256 a column-major A
    // (δᵀ of ∇W = δᵀ x, up to 256 rows of δ) too; the packed panels are the other way. Same FMAs in the same order, so
    // the same bits: over odd row counts (a last panel packed either way), several k blocks, the tall path (all of B
    // packed), both kernel widths, one and two threads, with and without accumulation. Rows 4, 8 and 12 KiB apart
    // (k of 1 024, 2 048 and 3 072), which share one set of L1, are copied to rows an odd number of cache lines apart
    // before the 12 × 32 tile reads them, in k blocks of 512, 683 and 768 terms; rows 2 KiB apart are read in place.
    [PackedKernelTheory]
    [InlineData(Shape.TransposedA, 128, 784, 256)]
    [InlineData(Shape.TransposedA, 10, 128, 64)]
    [InlineData(Shape.TransposedA, 61, 70, 200)]
    [InlineData(Shape.TransposedA, 150, 45, 256)]
    [InlineData(Shape.TransposedA, 7, 33, 9)]
    [InlineData(Shape.TransposedB, 64, 128, 784)]
    [InlineData(Shape.TransposedB, 10000 / 16, 128, 784)]
    [InlineData(Shape.TransposedB, 301, 10, 128)]
    [InlineData(Shape.Plain, 64, 784, 10)]
    [InlineData(Shape.Plain, 61, 70, 513)]
    [InlineData(Shape.Plain, 7, 33, 9)]
    [InlineData(Shape.TransposedB, 137, 45, 300)]
    [InlineData(Shape.Plain, 45, 70, 1700)]
    [InlineData(Shape.Plain, 150, 70, 900)]
    [InlineData(Shape.TransposedB, 52, 96, 300)]
    [InlineData(Shape.Plain, 50, 70, 1024)]
    [InlineData(Shape.TransposedB, 48, 64, 512)]
    [InlineData(Shape.Plain, 30, 96, 3072)]
    [InlineData(Shape.Plain, 26, 72, 2048)]
    public void Reading_A_in_place_gives_the_bits_of_packing_it(Shape shape, int m, int n, int k)
    {
        var rng = new Rng(7);
        float[] a = Random(rng, m * k, 1.0);
        float[] b = Random(rng, k * n, 1.0);
        float[] start = Random(rng, m * n, 1.0);
        int savedThreads = WorkerPool.ThreadCount;
        bool savedInPlace = PackedGemm.ReadAInPlace;
        try
        {
            foreach (bool wide in Widths())
            {
                using WidthScope scope = Width(wide);
                foreach (int threads in new[] { 1, 2 })
                {
                    WorkerPool.ThreadCount = threads;
                    foreach (bool accumulate in new[] { false, true })
                    {
                        float[] packed = (float[])start.Clone();
                        float[] inPlace = (float[])start.Clone();
                        PackedGemm.ReadAInPlace = false;
                        Multiply(shape, a, b, packed, m, n, k, accumulate);
                        PackedGemm.ReadAInPlace = true;
                        Multiply(shape, a, b, inPlace, m, n, k, accumulate);
                        Assert.Equal(packed, inPlace);
                    }
                }
            }
        }
        finally
        {
            WorkerPool.ThreadCount = savedThreads;
            PackedGemm.ReadAInPlace = savedInPlace;
        }
    }

    // ∇W = δᵀ x with ∇b = Σ_rows δ beside it: op(A) = δᵀ (rows of A are δ's columns). The row sums must be the
    // sums of ColumnSums (four partial sums over p mod 4, then added in pairs), and the stepped row values Sgd's formula on them, bit for bit, on every path: one
    // block (small), rows split between threads (k in one block), columns split with one thread summing (k > 800).
    [PackedKernelTheory]
    [InlineData(128, 784, 64, "Step")]
    [InlineData(128, 784, 256, "DecayedStep")]
    [InlineData(10, 128, 64, "DecayedStep")]
    [InlineData(37, 45, 1601, "Step")]
    [InlineData(33, 40, 1000, "DecayedStep")]
    [InlineData(3, 5, 7, "DecayedStep")]
    [InlineData(21, 9, 2, "Step")]
    public void Row_sums_of_a_and_their_step_match_the_four_partial_sums(int m, int n, int k, string name)
    {
        GemmEpilogue epilogue = Enum.Parse<GemmEpilogue>(name);
        var rng = new Rng(m + n + k);
        float[] delta = Random(rng, k * m, 1.0); // (k, m): op(A)[i, p] = delta[p·m + i]
        float[] x = Random(rng, k * n, 1.0);
        float[] w = Random(rng, m * n, 1.0);
        float[] b = Random(rng, m, 1.0);
        const float Scale = -0.1f, Decay = 3e-3f;
        var expectedSums = new float[m];
        var expectedB = (float[])b.Clone();
        for (int i = 0; i < m; i++)
        {
            // Four partial sums over p mod 4, each in order of p, then (s0 + s1) + (s2 + s3).
            var partial = new float[4];
            for (int p = 0; p < k; p++)
            {
                partial[p % 4] += delta[p * m + i];
            }
            expectedSums[i] = (partial[0] + partial[1]) + (partial[2] + partial[3]);
        }
        GemmReference.ApplyEpilogue<float>(epilogue, expectedSums, default, expectedB, 1, m, Scale, Decay);
        int saved = WorkerPool.ThreadCount;
        try
        {
            foreach (bool wide in Widths())
            {
                using WidthScope scope = Width(wide);
                foreach (int threads in new[] { 1, 2 })
                {
                    WorkerPool.ThreadCount = threads;
                    var sums = new float[m];
                    var bias = (float[])b.Clone();
                    var c = new float[m * n];
                    var aux = (float[])w.Clone();
                    PackedGemm.Run(delta, 1, m, x, n, 1, c, m, n, k, accumulate: false, epilogue, default, aux, Scale, Decay, sums, bias);
                    string label = string.Create(CultureInfo.InvariantCulture, $"({m}, {n}, {k}) wide={wide} threads={threads}");
                    Assert.True(expectedSums.AsSpan().SequenceEqual(sums), $"{label}: row sums differ");
                    Assert.True(expectedB.AsSpan().SequenceEqual(bias), $"{label}: stepped rows differ");
                }
            }
        }
        finally
        {
            WorkerPool.ThreadCount = saved;
        }
    }

    [PackedKernelFact(vector512: true)]
    public void Switching_the_kernel_width_during_products_changes_no_result()
    {
        // Both micro-kernels sum every element in the same order, so the width is a matter of speed only; a product
        // must also stay consistent (and in bounds) when the width changes while it runs.
        (int M, int N, int K)[] shapes = [(64, 128, 784), (300, 10, 129), (37, 45, 33)];
        var rng = new Rng(77);
        float[][] a = [.. shapes.Select(s => Random(rng, s.M * s.K, 1.0))];
        float[][] b = [.. shapes.Select(s => Random(rng, s.K * s.N, 1.0))];
        float[][] expected = [.. shapes.Select(s => new float[s.M * s.N])];
        for (int i = 0; i < shapes.Length; i++)
        {
            Gemm.MultiplyTransposedB<float>(a[i], b[i], expected[i], shapes[i].M, shapes[i].N, shapes[i].K);
        }
        bool saved = PackedGemm.UseVector512;
        bool done = false;
        var flipper = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                PackedGemm.UseVector512 = !PackedGemm.UseVector512;
                Thread.SpinWait(50);
            }
        });
        flipper.Start();
        try
        {
            for (int repeat = 0; repeat < 100; repeat++)
            {
                for (int i = 0; i < shapes.Length; i++)
                {
                    float[] c = new float[shapes[i].M * shapes[i].N];
                    Gemm.MultiplyTransposedB<float>(a[i], b[i], c, shapes[i].M, shapes[i].N, shapes[i].K);
                    Assert.True(expected[i].AsSpan().SequenceEqual(c), $"shape {shapes[i]} differs on repeat {repeat}");
                }
            }
        }
        finally
        {
            Volatile.Write(ref done, true);
            flipper.Join();
            PackedGemm.UseVector512 = saved;
        }
    }

    [Fact]
    public void Double_gemm_matches_the_scalar_twin_exactly_enough_for_the_article()
    {
        var rng = new Rng(5);
        foreach ((int m, int n, int k) in new[] { (1, 3, 2), (7, 5, 9), (33, 17, 65) })
        {
            double[] a = new double[m * k];
            double[] b = new double[k * n];
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = rng.NextGaussian();
            }
            for (int i = 0; i < b.Length; i++)
            {
                b[i] = rng.NextGaussian();
            }
            double[] expected = new double[m * n];
            double[] actual = new double[m * n];
            GemmReference.Multiply<double>(a, b, expected, m, n, k);
            Gemm.Multiply<double>(a, b, actual, m, n, k);
            TensorAssert.Close($"({m}, {n}, {k})", expected, actual, 1e-12);
        }
    }

    private static void CheckAgainstReference(Shape shape, int m, int n, int k, bool accumulate, bool wide)
    {
        var rng = new Rng(m * 1_000_003 + n * 1009 + k * 17 + (accumulate ? 1 : 0));
        // Values spanning a few orders of magnitude, so a tolerance that ignores magnitude would fail.
        float[] a = Random(rng, m * k, 100.0);
        float[] b = Random(rng, k * n, 0.01);
        float[] c0 = Random(rng, m * n, 1.0);

        float[] actual = (float[])c0.Clone();
        using (Width(wide))
        {
            Multiply(shape, a, b, actual, m, n, k, accumulate);
        }

        // The twin in double, and the same sum over |terms| to scale the tolerance.
        double[] ad = Array.ConvertAll(a, v => (double)v);
        double[] bd = Array.ConvertAll(b, v => (double)v);
        double[] expected = Array.ConvertAll(c0, v => (double)v);
        double[] magnitude = Array.ConvertAll(c0, v => Math.Abs((double)v));
        ReferenceMultiply(shape, ad, bd, expected, m, n, k, accumulate);
        ReferenceMultiply(shape, Array.ConvertAll(ad, Math.Abs), Array.ConvertAll(bd, Math.Abs), magnitude, m, n, k, accumulate);

        for (int i = 0; i < m * n; i++)
        {
            double tolerance = (k + 2) * 1.2e-7 * magnitude[i] + 1e-30;
            double diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= tolerance))
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"{shape} ({m}, {n}, {k}) accumulate={accumulate} wide={wide}: C[{i / n}, {i % n}] expected {expected[i]:R}, got {actual[i]:R} (difference {diff:E3} > {tolerance:E1})"));
            }
        }
    }

    // a holds op(A) in the shape's storage: (m, k) for TransposedB and Plain, (k, m) for TransposedA;
    // b holds (n, k) for TransposedB and (k, n) otherwise.
    private static void Multiply(Shape shape, float[] a, float[] b, float[] c, int m, int n, int k, bool accumulate)
    {
        switch (shape)
        {
            case Shape.TransposedB: Gemm.MultiplyTransposedB<float>(a, b, c, m, n, k, accumulate); break;
            case Shape.Plain: Gemm.Multiply<float>(a, b, c, m, n, k, accumulate); break;
            default: Gemm.MultiplyTransposedA<float>(a, b, c, m, n, k, accumulate); break;
        }
    }

    private static void ReferenceMultiply(Shape shape, double[] a, double[] b, double[] c, int m, int n, int k, bool accumulate)
    {
        switch (shape)
        {
            case Shape.TransposedB: GemmReference.MultiplyTransposedB<double>(a, b, c, m, n, k, accumulate); break;
            case Shape.Plain: GemmReference.Multiply<double>(a, b, c, m, n, k, accumulate); break;
            default: GemmReference.MultiplyTransposedA<double>(a, b, c, m, n, k, accumulate); break;
        }
    }

    private static float[] Random(Rng rng, int count, double scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(scale * rng.NextGaussian() * Math.Pow(10, rng.NextDouble() - 0.5));
        }
        return values;
    }

    private static bool[] Widths() => PackedGemm.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? [true, false] : [false];

    private static WidthScope Width(bool wide) => new(wide);

    private readonly struct WidthScope : IDisposable
    {
        private readonly bool _saved;

        public WidthScope(bool wide)
        {
            _saved = PackedGemm.UseVector512;
            PackedGemm.UseVector512 = wide;
        }

        public void Dispose() => PackedGemm.UseVector512 = _saved;
    }
}
