using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

/// <summary>
/// The three matrix products training needs, over row-major spans, without materialising a transpose:
/// forward z = x Wᵀ, backward δ_prev = δ W, and the weight gradient ∇W = δᵀ x.
/// Each has a scalar twin (<see cref="GemmReference"/>) that the tests compare it with.
/// float32 runs on <see cref="PackedGemm"/> (packed blocks, FMA micro-kernel, both cores) where the CPU has AVX2 and FMA;
/// double, the exact path, runs the plain loops below. Results depend only on the shapes, never on scheduling.
/// </summary>
internal static class Gemm
{
    /// <summary>C = A Bᵀ (+ C when <paramref name="accumulate"/>). A is (m, k), B is (n, k), C is (m, n).</summary>
    public static void MultiplyTransposedB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && PackedGemm.IsSupported)
        {
            // op(A) = A: rows of k; op(B) = Bᵀ: element (p, j) is b[j k + p].
            PackedGemm.Run(AsFloat(a), k, 1, AsFloat(b), 1, k, AsFloat(c), m, n, k, accumulate);
            return;
        }
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<T> ai = a.Slice(i * k, k);
            Span<T> ci = c.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                T dot = Dot(ai, b.Slice(j * k, k));
                ci[j] = accumulate ? ci[j] + dot : dot;
            }
        }
    }

    /// <summary>C = A B (+ C when <paramref name="accumulate"/>). A is (m, k), B is (k, n), C is (m, n).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && PackedGemm.IsSupported)
        {
            PackedGemm.Run(AsFloat(a), k, 1, AsFloat(b), n, 1, AsFloat(c), m, n, k, accumulate);
            return;
        }
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }
        for (int i = 0; i < m; i++)
        {
            Span<T> ci = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                T aip = a[i * k + p];
                if (aip != T.Zero)
                {
                    MultiplyAdd(b.Slice(p * n, n), aip, ci);
                }
            }
        }
    }

    /// <summary>C = Aᵀ B (+ C when <paramref name="accumulate"/>). A is (k, m), B is (k, n), C is (m, n).</summary>
    public static void MultiplyTransposedA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && PackedGemm.IsSupported)
        {
            // op(A) = Aᵀ: element (i, p) is a[p m + i].
            PackedGemm.Run(AsFloat(a), 1, m, AsFloat(b), n, 1, AsFloat(c), m, n, k, accumulate);
            return;
        }
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }
        for (int i = 0; i < m; i++)
        {
            Span<T> ci = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                T api = a[p * m + i];
                if (api != T.Zero)
                {
                    MultiplyAdd(b.Slice(p * n, n), api, ci);
                }
            }
        }
    }

    /// <summary>Dot products shorter than this are summed left to right (see <see cref="Dot{T}"/>).</summary>
    internal const int ShortDot = 8;

    // c += x · s element-wise, the product rounded before the sum. Short rows (the article's network) skip the
    // call overhead of the vector path; both give the same bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MultiplyAdd<T>(ReadOnlySpan<T> x, T s, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length < 16)
        {
            for (int j = 0; j < x.Length; j++)
            {
                c[j] = x[j] * s + c[j];
            }
            return;
        }
        TensorPrimitives.MultiplyAdd(x, s, c, c);
    }

    // c += x element-wise; short rows skip the call overhead of the vector path (same bits).
    // Σ_p x_p y_p. Rows shorter than 8 (the article's network) are summed left to right, each product rounded
    // before its sum: below one Vector512 of doubles the vector path costs a masked load and a horizontal sum.
    // Which path a product takes depends only on k, so a row gives the same bits in every batch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length < ShortDot)
        {
            y = y[..x.Length];
            T sum = T.Zero;
            for (int p = 0; p < x.Length; p++)
            {
                sum += x[p] * y[p];
            }
            return sum;
        }
        return TensorPrimitives.Dot(x, y);
    }

    // c = x · s element-wise; short rows skip the call overhead of the vector path (same bits).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Scale<T>(ReadOnlySpan<T> x, T s, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length < 16)
        {
            for (int j = 0; j < x.Length; j++)
            {
                c[j] = x[j] * s;
            }
            return;
        }
        TensorPrimitives.Multiply(x, s, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Add<T>(ReadOnlySpan<T> x, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length < 16)
        {
            for (int j = 0; j < x.Length; j++)
            {
                c[j] += x[j];
            }
            return;
        }
        TensorPrimitives.Add(c, x, c);
    }

    internal static ReadOnlySpan<float> AsFloat<T>(ReadOnlySpan<T> span) where T : unmanaged
        => MemoryMarshal.Cast<T, float>(span);

    internal static Span<float> AsFloat<T>(Span<T> span) where T : unmanaged
        => MemoryMarshal.Cast<T, float>(span);
}
