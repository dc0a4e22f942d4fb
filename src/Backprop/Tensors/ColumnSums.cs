using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// Column sums of a (rows, columns) float32 matrix, such as ∇b = Σ_rows δ over a batch. Each column is summed in four
/// interleaved partial sums, s_q over the rows p ≡ q (mod 4) in order, then (s₀ + s₁) + (s₂ + s₃): chains a quarter as
/// long as one sequential sum, so the bias gradients keep about the accuracy of a tree reduction (docs/performance.md,
/// "float32 accuracy"). The vector paths (16 and 8 columns at a time) and the scalar path add in exactly this order,
/// so the bits depend only on the values; <see cref="Sum"/> is the scalar twin of one column.
/// </summary>
internal static unsafe class ColumnSums
{
    /// <summary>
    /// sums[j] = Σ_p x[p·rowStride + j] for columns j in [j0, j1), over rows p in [0, rows), in the order above.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(float* x, long rowStride, int rows, int j0, int j1, float* sums)
    {
        int j = j0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 16 <= j1; j += 16)
            {
                Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                float* column = x + j;
                int p = 0;
                for (; p + 4 <= rows; p += 4)
                {
                    s0 += Vector512.Load(column + p * rowStride);
                    s1 += Vector512.Load(column + (p + 1) * rowStride);
                    s2 += Vector512.Load(column + (p + 2) * rowStride);
                    s3 += Vector512.Load(column + (p + 3) * rowStride);
                }
                if (p < rows)
                {
                    s0 += Vector512.Load(column + p * rowStride);
                }
                if (p + 1 < rows)
                {
                    s1 += Vector512.Load(column + (p + 1) * rowStride);
                }
                if (p + 2 < rows)
                {
                    s2 += Vector512.Load(column + (p + 2) * rowStride);
                }
                Vector512.Store((s0 + s1) + (s2 + s3), sums + j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= j1; j += 8)
            {
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                float* column = x + j;
                int p = 0;
                for (; p + 4 <= rows; p += 4)
                {
                    s0 += Vector256.Load(column + p * rowStride);
                    s1 += Vector256.Load(column + (p + 1) * rowStride);
                    s2 += Vector256.Load(column + (p + 2) * rowStride);
                    s3 += Vector256.Load(column + (p + 3) * rowStride);
                }
                if (p < rows)
                {
                    s0 += Vector256.Load(column + p * rowStride);
                }
                if (p + 1 < rows)
                {
                    s1 += Vector256.Load(column + (p + 1) * rowStride);
                }
                if (p + 2 < rows)
                {
                    s2 += Vector256.Load(column + (p + 2) * rowStride);
                }
                Vector256.Store((s0 + s1) + (s2 + s3), sums + j);
            }
        }
        for (; j < j1; j++)
        {
            sums[j] = Sum(x + j, rowStride, rows);
        }
    }

    /// <summary>Σ_p x[p·stride] over p in [0, count), in four interleaved partial sums: the scalar twin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float* x, long stride, int count)
    {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int p = 0;
        for (; p + 4 <= count; p += 4)
        {
            s0 += x[p * stride];
            s1 += x[(p + 1) * stride];
            s2 += x[(p + 2) * stride];
            s3 += x[(p + 3) * stride];
        }
        if (p < count)
        {
            s0 += x[p * stride];
        }
        if (p + 1 < count)
        {
            s1 += x[(p + 1) * stride];
        }
        if (p + 2 < count)
        {
            s2 += x[(p + 2) * stride];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
