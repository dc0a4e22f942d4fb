using System.Numerics;

namespace Backprop.Tensors;

/// <summary>Scalar reference twins of <see cref="Gemm"/>: three plain loops, not optimized.</summary>
internal static class GemmReference
{
    // A is (m, k), B is (n, k), C is (m, n): C = A Bᵀ
    public static void MultiplyTransposedB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum += a[i * k + p] * b[j * k + p];
                }
                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    // A is (m, k), B is (k, n), C is (m, n): C = A B
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    // A is (k, m), B is (k, n), C is (m, n): C = Aᵀ B
    public static void MultiplyTransposedA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum += a[p * m + i] * b[p * n + j];
                }
                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    // The twin of the packed GEMM's epilogue over a whole (m, n) result: c is the product, bias has n values,
    // aux is laid out like c.
    public static void ApplyEpilogue<T>(GemmEpilogue epilogue, Span<T> c, ReadOnlySpan<T> bias, Span<T> aux, int m, int n, T scale = default, T decay = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int at = i * n + j;
                switch (epilogue)
                {
                    case GemmEpilogue.Bias:
                        c[at] += bias[j];
                        break;
                    case GemmEpilogue.BiasRelu:
                        c[at] += bias[j];
                        aux[at] = T.Max(c[at], T.Zero);
                        break;
                    case GemmEpilogue.ReluMask:
                        if (!(aux[at] > T.Zero))
                        {
                            c[at] = T.Zero;
                        }
                        break;
                    case GemmEpilogue.Step:
                        aux[at] = c[at] * scale + aux[at];
                        break;
                    case GemmEpilogue.DecayedStep:
                        aux[at] = (aux[at] * decay + c[at]) * scale + aux[at];
                        break;
                    default:
                        break;
                }
            }
        }
    }
}
