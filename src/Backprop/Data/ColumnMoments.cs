using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Data;

/// <summary>
/// The per-column sums behind <see cref="FeatureScaler"/>'s fit, one row at a time, on vectors across the columns:
/// pass 1 adds a row to each column's minimum, maximum and sum Σx, pass 2 adds (x − mean)² to Σ(x − mean)². Sums are
/// in double, each column's over the rows in row order (the order of the plain loops, so the same bits); a square is
/// a multiplication and then an addition, never a fused multiply-add, so each term is rounded as the plain loop rounds
/// it. Minimum and maximum follow Math.Min and Math.Max (NaN wins, −0 is below +0); they are kept in the values' own
/// type, since widening float to double is exact and keeps the order. Image bytes b stand for b / 255 in float
/// (<see cref="PixelBytes"/>): their minimum and maximum are those of the bytes (the value grows with b), their sums
/// those of the values. Each vector path (Vector512, Vector256) has the scalar path as its twin; <c>bits</c> caps the
/// vector width (512, 256, or 0 for scalar) so that tests can compare each with it.
/// </summary>
internal static unsafe class ColumnMoments
{
    /// <summary>Pass 1 over the n values of one row: min[j] = Math.Min(min[j], x[j]), max likewise, sum[j] += (double)x[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddRow<T>(T* x, int n, T* min, T* max, double* sum, int bits = 512) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (bits >= 512 && Vector512.IsHardwareAccelerated)
        {
            for (; j + Vector512<T>.Count <= n; j += Vector512<T>.Count)
            {
                Vector512<T> v = Vector512.Load(x + j);
                Vector512.Min(Vector512.Load(min + j), v).Store(min + j);
                Vector512.Max(Vector512.Load(max + j), v).Store(max + j);
                if (typeof(T) == typeof(float))
                {
                    Vector512<float> f = v.AsSingle();
                    (Vector512.Load(sum + j) + Vector512.WidenLower(f)).Store(sum + j);
                    (Vector512.Load(sum + j + 8) + Vector512.WidenUpper(f)).Store(sum + j + 8);
                }
                else
                {
                    (Vector512.Load(sum + j) + v.AsDouble()).Store(sum + j);
                }
            }
        }
        if (bits >= 256 && Vector256.IsHardwareAccelerated)
        {
            for (; j + Vector256<T>.Count <= n; j += Vector256<T>.Count)
            {
                Vector256<T> v = Vector256.Load(x + j);
                Vector256.Min(Vector256.Load(min + j), v).Store(min + j);
                Vector256.Max(Vector256.Load(max + j), v).Store(max + j);
                if (typeof(T) == typeof(float))
                {
                    Vector256<float> f = v.AsSingle();
                    (Vector256.Load(sum + j) + Vector256.WidenLower(f)).Store(sum + j);
                    (Vector256.Load(sum + j + 4) + Vector256.WidenUpper(f)).Store(sum + j + 4);
                }
                else
                {
                    (Vector256.Load(sum + j) + v.AsDouble()).Store(sum + j);
                }
            }
        }
        for (; j < n; j++)
        {
            min[j] = T.Min(min[j], x[j]);
            max[j] = T.Max(max[j], x[j]);
            sum[j] += double.CreateTruncating(x[j]);
        }
    }

    /// <summary>Pass 2 over the n values of one row: squares[j] += d · d with d = (double)x[j] − mean[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddSquares<T>(T* x, int n, double* mean, double* squares, int bits = 512) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        if (bits >= 512 && Vector512.IsHardwareAccelerated)
        {
            if (typeof(T) == typeof(float))
            {
                for (; j + 16 <= n; j += 16)
                {
                    Vector512<float> f = Vector512.Load((float*)x + j);
                    Square512(Vector512.WidenLower(f), mean + j, squares + j);
                    Square512(Vector512.WidenUpper(f), mean + j + 8, squares + j + 8);
                }
            }
            else
            {
                for (; j + 8 <= n; j += 8)
                {
                    Square512(Vector512.Load((double*)x + j), mean + j, squares + j);
                }
            }
        }
        if (bits >= 256 && Vector256.IsHardwareAccelerated)
        {
            if (typeof(T) == typeof(float))
            {
                for (; j + 8 <= n; j += 8)
                {
                    Vector256<float> f = Vector256.Load((float*)x + j);
                    Square256(Vector256.WidenLower(f), mean + j, squares + j);
                    Square256(Vector256.WidenUpper(f), mean + j + 4, squares + j + 4);
                }
            }
            else
            {
                for (; j + 4 <= n; j += 4)
                {
                    Square256(Vector256.Load((double*)x + j), mean + j, squares + j);
                }
            }
        }
        for (; j < n; j++)
        {
            double d = double.CreateTruncating(x[j]) - mean[j];
            squares[j] += d * d;
        }
    }

    /// <summary>
    /// Pass 1 over the n image bytes of one row, each byte b standing for b / 255 in float: min[j] and max[j] are the
    /// smallest and largest byte, sum[j] += (double)(b / 255f).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddPixelRow(byte* x, int n, byte* min, byte* max, double* sum, int bits = 512)
    {
        int j = 0;
        if (bits >= 512 && Vector512.IsHardwareAccelerated)
        {
            for (; j + 64 <= n; j += 64)
            {
                Vector512<byte> v = Vector512.Load(x + j);
                Vector512.Min(Vector512.Load(min + j), v).Store(min + j);
                Vector512.Max(Vector512.Load(max + j), v).Store(max + j);
            }
        }
        if (bits >= 256 && Vector256.IsHardwareAccelerated)
        {
            for (; j + 32 <= n; j += 32)
            {
                Vector256<byte> v = Vector256.Load(x + j);
                Vector256.Min(Vector256.Load(min + j), v).Store(min + j);
                Vector256.Max(Vector256.Load(max + j), v).Store(max + j);
            }
        }
        for (; j < n; j++)
        {
            min[j] = Math.Min(min[j], x[j]);
            max[j] = Math.Max(max[j], x[j]);
        }

        j = 0;
        if (bits >= 512 && Avx512F.IsSupported)
        {
            for (; j + 16 <= n; j += 16)
            {
                Vector512<float> v = Values512(x + j);
                (Vector512.Load(sum + j) + Vector512.WidenLower(v)).Store(sum + j);
                (Vector512.Load(sum + j + 8) + Vector512.WidenUpper(v)).Store(sum + j + 8);
            }
        }
        if (bits >= 256 && Avx2.IsSupported && Fma.IsSupported)
        {
            for (; j + 8 <= n; j += 8)
            {
                Vector256<float> v = Values256(x + j);
                (Vector256.Load(sum + j) + Vector256.WidenLower(v)).Store(sum + j);
                (Vector256.Load(sum + j + 4) + Vector256.WidenUpper(v)).Store(sum + j + 4);
            }
        }
        for (; j < n; j++)
        {
            sum[j] += PixelBytes.Value<float>(x[j]);
        }
    }

    /// <summary>Pass 2 over the n image bytes of one row: squares[j] += d · d with d = (double)(b / 255f) − mean[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddPixelSquares(byte* x, int n, double* mean, double* squares, int bits = 512)
    {
        int j = 0;
        if (bits >= 512 && Avx512F.IsSupported)
        {
            for (; j + 16 <= n; j += 16)
            {
                Vector512<float> v = Values512(x + j);
                Square512(Vector512.WidenLower(v), mean + j, squares + j);
                Square512(Vector512.WidenUpper(v), mean + j + 8, squares + j + 8);
            }
        }
        if (bits >= 256 && Avx2.IsSupported && Fma.IsSupported)
        {
            for (; j + 8 <= n; j += 8)
            {
                Vector256<float> v = Values256(x + j);
                Square256(Vector256.WidenLower(v), mean + j, squares + j);
                Square256(Vector256.WidenUpper(v), mean + j + 4, squares + j + 4);
            }
        }
        for (; j < n; j++)
        {
            double d = PixelBytes.Value<float>(x[j]) - mean[j];
            squares[j] += d * d;
        }
    }

    // squares[0..k) += d · d, d = x − mean[0..k): a multiplication, then an addition (two roundings, as the plain loop).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Square512(Vector512<double> x, double* mean, double* squares)
    {
        Vector512<double> d = x - Vector512.Load(mean);
        (Vector512.Load(squares) + d * d).Store(squares);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Square256(Vector256<double> x, double* mean, double* squares)
    {
        Vector256<double> d = x - Vector256.Load(mean);
        (Vector256.Load(squares) + d * d).Store(squares);
    }

    // The values b / 255f of the bytes at x, in float: q = b · c with c = 1/255 rounded to float, then one correction
    // step q + (b − q · 255) · c in fused multiply-adds (the remainder b − q · 255 is exact). This gives b / 255f, the
    // correctly rounded quotient, for every one of the 256 bytes (a test checks them all in every lane), at a third of
    // the cost of a division and without PixelBytes' round trip through double.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Values512(byte* x)
    {
        Vector512<float> b = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(x)));
        Vector512<float> c = Vector512.Create(1f / 255f);
        Vector512<float> q = b * c;
        Vector512<float> r = Avx512F.FusedMultiplyAddNegated(q, Vector512.Create(255f), b);
        return Avx512F.FusedMultiplyAdd(r, c, q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Values256(byte* x)
    {
        Vector256<float> b = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(x));
        Vector256<float> c = Vector256.Create(1f / 255f);
        Vector256<float> q = b * c;
        Vector256<float> r = Fma.MultiplyAddNegated(q, Vector256.Create(255f), b);
        return Fma.MultiplyAdd(r, c, q);
    }
}
