using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Activations;

/// <summary>
/// <see cref="Softmax.ForwardRows{T}"/> for float rows of up to <see cref="MaxWidth"/> values (the output layer of a
/// classifier) with the rows in the lanes: a vector holds one column of a group of rows, so the maximum, the
/// exponentials, the sum, the largest term, the sum of the others and the scaling take one vector operation per column
/// for a whole group, where the per-row loops take one scalar operation per element. Each lane does its row's scalar
/// operations in the row's order, and the exponential is <see cref="FrameworkLanes.Exp"/> at the width
/// <see cref="FrameworkLanes.TryMap{TFunction}"/> uses for a span of at least one vector, the pass the per-row version
/// makes: every row comes out with the same bits. The tests compare the two on random rows, rows with ties, signed
/// zeros, infinities and NaN, and every row count around the group size.
/// </summary>
internal static unsafe class SoftmaxLanes
{
    /// <summary>The widest row taken; wider rows vectorise along the row well enough.</summary>
    public const int MaxWidth = 16;

    /// <summary>
    /// a = softmax of each row of z (rows of <paramref name="width"/>), and log Σ_j e^(z_j − max z) of each row into
    /// <paramref name="logSumExp"/> when it is not empty; false, having written nothing, where the rows are wider than
    /// <see cref="MaxWidth"/>, z is shorter than a vector, or no vector width is accelerated (the per-row loops then
    /// run, and their exponential pass takes the framework's short-span path).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryForward(ReadOnlySpan<float> z, Span<float> a, int width, Span<float> logSumExp)
    {
        if (width < 1 || width > MaxWidth || a.Length < z.Length)
        {
            return false;
        }
        int rows = z.Length / width;
        if (Vector512.IsHardwareAccelerated && z.Length >= Vector512<float>.Count)
        {
            fixed (float* pz = z)
            fixed (float* pa = a)
            fixed (float* pl = logSumExp)
            {
                Rows512(pz, pa, pl, rows, width);
            }
            return true;
        }
        if (!Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated && z.Length >= Vector256<float>.Count)
        {
            fixed (float* pz = z)
            fixed (float* pa = a)
            fixed (float* pl = logSumExp)
            {
                Rows256(pz, pa, pl, rows, width);
            }
            return true;
        }
        return false;
    }

    // Groups of 16 rows. Column i of a group is buffer[i·16 ..], lane l row r0 + l; the lanes of a last short group
    // repeat its last row and are not written back. z and a may be the same memory: a group is read whole before it
    // is written.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows512(float* z, float* a, float* logSumExp, int rows, int width)
    {
        const int Lanes = 16;
        float* buffer = stackalloc float[MaxWidth * Lanes];
        for (int r0 = 0; r0 < rows; r0 += Lanes)
        {
            int n = Math.Min(Lanes, rows - r0);
            Gather(z + (long)r0 * width, buffer, Lanes, n, width);
            Vector512<float> max = Vector512.Load(buffer);
            for (int i = 1; i < width; i++)
            {
                max = Vector512.Max(max, Vector512.Load(buffer + i * Lanes));
            }
            Vector512<float> sum = Vector512<float>.Zero;
            for (int i = 0; i < width; i++)
            {
                Vector512<float> e = FrameworkLanes.Exp.Of(Vector512.Load(buffer + i * Lanes) - max);
                e.Store(buffer + i * Lanes);
                sum += e;
            }
            if (logSumExp is not null)
            {
                // Softmax.LogShiftedSum of the exponentials: the first largest term k, the others summed in order.
                Vector512<float> largest = Vector512.Load(buffer);
                Vector512<int> k = Vector512<int>.Zero;
                for (int i = 1; i < width; i++)
                {
                    Vector512<float> e = Vector512.Load(buffer + i * Lanes);
                    Vector512<float> greater = Vector512.GreaterThan(e, largest);
                    largest = Vector512.ConditionalSelect(greater, e, largest);
                    k = Vector512.ConditionalSelect(greater.AsInt32(), Vector512.Create(i), k);
                }
                Vector512<float> rest = Vector512<float>.Zero;
                for (int i = 0; i < width; i++)
                {
                    rest += Vector512.ConditionalSelect(Vector512.Equals(k, Vector512.Create(i)).AsSingle(), Vector512<float>.Zero, Vector512.Load(buffer + i * Lanes));
                }
                for (int l = 0; l < n; l++)
                {
                    logSumExp[r0 + l] = Softmax.Log1p(rest.GetElement(l));
                }
            }
            Vector512<float> inverse = Vector512<float>.One / sum;
            for (int i = 0; i < width; i++)
            {
                (Vector512.Load(buffer + i * Lanes) * inverse).Store(buffer + i * Lanes);
            }
            Scatter(buffer, a + (long)r0 * width, Lanes, n, width);
        }
    }

    // Rows256 is Rows512 on Vector256 (AVX2 without AVX-512), in groups of 8 rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows256(float* z, float* a, float* logSumExp, int rows, int width)
    {
        const int Lanes = 8;
        float* buffer = stackalloc float[MaxWidth * Lanes];
        for (int r0 = 0; r0 < rows; r0 += Lanes)
        {
            int n = Math.Min(Lanes, rows - r0);
            Gather(z + (long)r0 * width, buffer, Lanes, n, width);
            Vector256<float> max = Vector256.Load(buffer);
            for (int i = 1; i < width; i++)
            {
                max = Vector256.Max(max, Vector256.Load(buffer + i * Lanes));
            }
            Vector256<float> sum = Vector256<float>.Zero;
            for (int i = 0; i < width; i++)
            {
                Vector256<float> e = FrameworkLanes.Exp.Of(Vector256.Load(buffer + i * Lanes) - max);
                e.Store(buffer + i * Lanes);
                sum += e;
            }
            if (logSumExp is not null)
            {
                Vector256<float> largest = Vector256.Load(buffer);
                Vector256<int> k = Vector256<int>.Zero;
                for (int i = 1; i < width; i++)
                {
                    Vector256<float> e = Vector256.Load(buffer + i * Lanes);
                    Vector256<float> greater = Vector256.GreaterThan(e, largest);
                    largest = Vector256.ConditionalSelect(greater, e, largest);
                    k = Vector256.ConditionalSelect(greater.AsInt32(), Vector256.Create(i), k);
                }
                Vector256<float> rest = Vector256<float>.Zero;
                for (int i = 0; i < width; i++)
                {
                    rest += Vector256.ConditionalSelect(Vector256.Equals(k, Vector256.Create(i)).AsSingle(), Vector256<float>.Zero, Vector256.Load(buffer + i * Lanes));
                }
                for (int l = 0; l < n; l++)
                {
                    logSumExp[r0 + l] = Softmax.Log1p(rest.GetElement(l));
                }
            }
            Vector256<float> inverse = Vector256<float>.One / sum;
            for (int i = 0; i < width; i++)
            {
                (Vector256.Load(buffer + i * Lanes) * inverse).Store(buffer + i * Lanes);
            }
            Scatter(buffer, a + (long)r0 * width, Lanes, n, width);
        }
    }

    // n rows of width values at rows into the columns of buffer (lanes per column), the lanes past n repeating row n − 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather(float* rows, float* buffer, int lanes, int n, int width)
    {
        for (int l = 0; l < lanes; l++)
        {
            float* row = rows + (long)Math.Min(l, n - 1) * width;
            for (int i = 0; i < width; i++)
            {
                buffer[i * lanes + l] = row[i];
            }
        }
    }

    // The first n lanes of buffer's columns back into rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(float* buffer, float* rows, int lanes, int n, int width)
    {
        for (int l = 0; l < n; l++)
        {
            float* row = rows + (long)l * width;
            for (int i = 0; i < width; i++)
            {
                row[i] = buffer[i * lanes + l];
            }
        }
    }
}
