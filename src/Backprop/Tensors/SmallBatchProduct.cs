using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Tensors;

/// <summary>
/// z = x Wᵀ + b for a few rows (one row to predict, up to <see cref="MaxRows"/>), over W as stored: W is
/// (outputs, inputs) row-major, so z[r, o] is the dot product of two contiguous rows and nothing is packed. Packing W
/// for <see cref="PackedGemm"/> reads and writes all of it, which for one row costs more than the product itself.
/// Each z[r, o] is summed the same way whatever the batch and the order of the tiles: one vector accumulator over the
/// whole vectors of the row (FMA), its lanes added, then the remaining products in order, then b[o]. The scalar twin is
/// <see cref="Reference"/>; the two differ by rounding only (see SmallBatchProductTests for the bound).
/// </summary>
internal static unsafe class SmallBatchProduct
{
    /// <summary>The most rows this product is used for; larger batches go to the packed GEMM.</summary>
    public const int MaxRows = 8;

    // Outputs per tile: four rows of W (12.5 KiB for 784 inputs) stay in L1 while every row of x passes over them.
    private const int Tile = 4;

    /// <summary>
    /// z = x Wᵀ + b: x is (rows, inputs), W is (outputs, inputs), b is (outputs), z is (rows, outputs), all row-major.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> z, int rows, int outputs, int inputs)
        => Multiply(x, w, b, z, rows, outputs, inputs, Vector512.IsHardwareAccelerated);

    /// <summary>
    /// <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>
    /// on the Vector512 kernel or, with <paramref name="vector512"/> false, on the Vector256 one (the two differ in
    /// rounding; the width is a parameter, not a setting, so that a test of one never changes another's bits).
    /// </summary>
    internal static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> z, int rows, int outputs, int inputs, bool vector512)
    {
        Check(x, w, b, z, rows, outputs, inputs);
        if (!Vector256.IsHardwareAccelerated)
        {
            Reference(x, w, b, z, rows, outputs, inputs);
            return;
        }
        bool wide = vector512 && Vector512.IsHardwareAccelerated;
        fixed (float* px = x)
        fixed (float* pw = w)
        fixed (float* pb = b)
        fixed (float* pz = z)
        {
            for (int o = 0; o < outputs; o += Tile)
            {
                int tile = Math.Min(Tile, outputs - o);
                float* wo = pw + (long)o * inputs;
                for (int r = 0; r < rows; r++)
                {
                    float* xr = px + (long)r * inputs;
                    float* zr = pz + (long)r * outputs + o;
                    if (tile == Tile)
                    {
                        if (wide)
                        {
                            Dot4Wide(xr, wo, inputs, pb + o, zr);
                        }
                        else
                        {
                            Dot4(xr, wo, inputs, pb + o, zr);
                        }
                        continue;
                    }
                    for (int j = 0; j < tile; j++)
                    {
                        zr[j] = wide ? Dot1Wide(xr, wo + (long)j * inputs, inputs) + pb[o + j] : Dot1(xr, wo + (long)j * inputs, inputs) + pb[o + j];
                    }
                }
            }
        }
    }

    /// <summary>
    /// The scalar twin of <see cref="Multiply(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>: z[r, o] = (Σ_p x[r, p] W[o, p], summed left to right, each product
    /// rounded before its sum) + b[o].
    /// </summary>
    public static void Reference(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> z, int rows, int outputs, int inputs)
    {
        Check(x, w, b, z, rows, outputs, inputs);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * inputs, inputs);
            for (int o = 0; o < outputs; o++)
            {
                ReadOnlySpan<float> wo = w.Slice(o * inputs, inputs);
                float sum = 0f;
                for (int p = 0; p < inputs; p++)
                {
                    sum += xr[p] * wo[p];
                }
                z[r * outputs + o] = sum + b[o];
            }
        }
    }

    private static void Check(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> z, int rows, int outputs, int inputs)
    {
        if (rows < 0 || outputs < 0 || inputs < 0 || x.Length < (long)rows * inputs || w.Length < (long)outputs * inputs || b.Length < outputs
            || z.Length < (long)rows * outputs)
        {
            throw new ArgumentException($"x ({x.Length}), W ({w.Length}), b ({b.Length}) or z ({z.Length}) is shorter than rows {rows}, outputs {outputs}, inputs {inputs} need.");
        }
    }

    // z[j] = x · W_j + b[j] for four consecutive rows W_j of W, one Vector512 accumulator each.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4Wide(float* x, float* w, int n, float* b, float* z)
    {
        float* w1 = w + n;
        float* w2 = w1 + n;
        float* w3 = w2 + n;
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p + 16 <= n; p += 16)
        {
            Vector512<float> xv = Vector512.Load(x + p);
            s0 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(w + p), s0);
            s1 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(w1 + p), s1);
            s2 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(w2 + p), s2);
            s3 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(w3 + p), s3);
        }
        z[0] = Tail(Vector512.Sum(s0), x, w, p, n) + b[0];
        z[1] = Tail(Vector512.Sum(s1), x, w1, p, n) + b[1];
        z[2] = Tail(Vector512.Sum(s2), x, w2, p, n) + b[2];
        z[3] = Tail(Vector512.Sum(s3), x, w3, p, n) + b[3];
    }

    // As Dot4Wide with Vector256.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4(float* x, float* w, int n, float* b, float* z)
    {
        float* w1 = w + n;
        float* w2 = w1 + n;
        float* w3 = w2 + n;
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p + 8 <= n; p += 8)
        {
            Vector256<float> xv = Vector256.Load(x + p);
            s0 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(w + p), s0);
            s1 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(w1 + p), s1);
            s2 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(w2 + p), s2);
            s3 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(w3 + p), s3);
        }
        z[0] = Tail(Vector256.Sum(s0), x, w, p, n) + b[0];
        z[1] = Tail(Vector256.Sum(s1), x, w1, p, n) + b[1];
        z[2] = Tail(Vector256.Sum(s2), x, w2, p, n) + b[2];
        z[3] = Tail(Vector256.Sum(s3), x, w3, p, n) + b[3];
    }

    // x · w for a last output of a tile, summed as in Dot4Wide.
    private static float Dot1Wide(float* x, float* w, int n)
    {
        Vector512<float> s = Vector512<float>.Zero;
        int p = 0;
        for (; p + 16 <= n; p += 16)
        {
            s = Vector512.FusedMultiplyAdd(Vector512.Load(x + p), Vector512.Load(w + p), s);
        }
        return Tail(Vector512.Sum(s), x, w, p, n);
    }

    // x · w for a last output of a tile, summed as in Dot4.
    private static float Dot1(float* x, float* w, int n)
    {
        Vector256<float> s = Vector256<float>.Zero;
        int p = 0;
        for (; p + 8 <= n; p += 8)
        {
            s = Vector256.FusedMultiplyAdd(Vector256.Load(x + p), Vector256.Load(w + p), s);
        }
        return Tail(Vector256.Sum(s), x, w, p, n);
    }

    // sum + Σ x[p] w[p] over the products after the last whole vector, in order, each fused.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tail(float sum, float* x, float* w, int p, int n)
    {
        for (; p < n; p++)
        {
            sum = MathF.FusedMultiplyAdd(x[p], w[p], sum);
        }
        return sum;
    }
}
