using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Activations;

/// <summary>
/// a_i = e^(z_i − max z) / Σ_j e^(z_j − max z) for one sample. Subtracting the maximum keeps every exponent ≤ 0,
/// so logits of ±1e4 give finite results. Its derivative is only used fused with cross-entropy (δ = a − t).
/// </summary>
internal static class Softmax
{
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
        => Forward(z, a, out _, out _);

    /// <summary>
    /// <see cref="Forward{T}(ReadOnlySpan{T}, Span{T})"/>, also giving max z and Σ_j e^(z_j − max z): max + log(sum) is
    /// then log Σ_j e^(z_j), bit for bit what <see cref="LogSumExp{T}"/> computes, so that the cross-entropy loss costs
    /// one logarithm per row instead of a second pass of exponentials.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a, out T max, out T sum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Locals, not the out parameters, carry the loops: the JIT keeps them in registers.
        a = a[..z.Length];
        T m = z[0];
        for (int i = 1; i < z.Length; i++)
        {
            m = T.Max(m, z[i]);
        }
        T s = T.Zero;
        for (int i = 0; i < z.Length; i++)
        {
            T e = T.Exp(z[i] - m);
            a[i] = e;
            s += e;
        }
        for (int i = 0; i < z.Length; i++)
        {
            a[i] /= s;
        }
        max = m;
        sum = s;
    }

    /// <summary>
    /// One row of double: <see cref="Forward{T}(ReadOnlySpan{T}, Span{T}, out T, out T)"/> and then
    /// <see cref="LogShiftedSum{T}"/> of its probabilities, which it returns, in the same operations and order (the same
    /// bits), read through references checked once instead of spans indexed per element (the article's output layer).
    /// </summary>
    public static double ForwardRow(ReadOnlySpan<double> z, Span<double> a)
    {
        int n = z.Length;
        a = a[..n];
        ref double z0 = ref MemoryMarshal.GetReference(z);
        ref double a0 = ref MemoryMarshal.GetReference(a);
        double m = z0;
        for (int i = 1; i < n; i++)
        {
            m = double.Max(m, Unsafe.Add(ref z0, i));
        }
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            double e = Math.Exp(Unsafe.Add(ref z0, i) - m);
            Unsafe.Add(ref a0, i) = e;
            s += e;
        }
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            double p = Unsafe.Add(ref a0, i) / s;
            Unsafe.Add(ref a0, i) = p;
            k = p > Unsafe.Add(ref a0, k) ? i : k;
        }
        double rest = 0;
        for (int i = 0; i < n; i++)
        {
            rest += i == k ? 0.0 : Unsafe.Add(ref a0, i);
        }
        return Log1p(rest * s);
    }

    /// <summary>
    /// <see cref="Forward{T}(ReadOnlySpan{T}, Span{T})"/> for every row of width <paramref name="width"/> at once: the shifted logits of all rows
    /// go through one vectorised exponential, which is what makes a batch of short rows (10 classes) fast.
    /// Used for float; double keeps the scalar loop, the exact path. When <paramref name="logSumExp"/> is not empty it
    /// receives each row's log Σ_j e^(z_j − max z) (<see cref="LogShiftedSum{T}"/>), from the same exponentials.
    /// Float rows of up to <see cref="SoftmaxLanes.MaxWidth"/> values go through <see cref="SoftmaxLanes"/>, a group of
    /// rows per vector, with the same bits as these loops (<see cref="ForwardRowsEach{T}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardRows<T>(ReadOnlySpan<T> z, Span<T> a, int width, Span<T> logSumExp = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && SoftmaxLanes.TryForward(
            MemoryMarshal.Cast<T, float>(z), MemoryMarshal.Cast<T, float>(a), width, MemoryMarshal.Cast<T, float>(logSumExp)))
        {
            return;
        }
        ForwardRowsEach(z, a, width, logSumExp);
    }

    /// <summary>
    /// <see cref="ForwardRows{T}"/> row by row: the reference <see cref="SoftmaxLanes"/> is compared with, and the path
    /// of wide rows, double, and spans shorter than a vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardRowsEach<T>(ReadOnlySpan<T> z, Span<T> a, int width, Span<T> logSumExp = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < z.Length; r += width)
        {
            ReadOnlySpan<T> zr = z.Slice(r, width);
            T max = zr[0];
            for (int i = 1; i < width; i++)
            {
                max = T.Max(max, zr[i]);
            }
            Span<T> ar = a.Slice(r, width);
            for (int i = 0; i < width; i++)
            {
                ar[i] = zr[i] - max;
            }
        }
        if (!a.IsEmpty)
        {
            Exp(a[..z.Length]);
        }
        for (int r = 0; r < z.Length; r += width)
        {
            Span<T> ar = a.Slice(r, width);
            T sum = T.Zero;
            for (int i = 0; i < width; i++)
            {
                sum += ar[i];
            }
            if (!logSumExp.IsEmpty)
            {
                logSumExp[r / width] = LogShiftedSum<T>(ar, T.One);
            }
            T inverse = T.One / sum;
            for (int i = 0; i < width; i++)
            {
                ar[i] *= inverse;
            }
        }
    }

    /// <summary>
    /// e^x in place, with the bits of <c>TensorPrimitives.Exp</c> (<see cref="FrameworkLanes"/>): the framework's
    /// generic method would otherwise tier at run time, compiled three times in the first epochs of a run. Spans shorter
    /// than a vector go to <c>TensorPrimitives.Exp</c> itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Exp<T>(Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && FrameworkLanes.TryMap<FrameworkLanes.Exp>(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(x)))
        {
            return;
        }
        System.Numerics.Tensors.TensorPrimitives.Exp(x, x);
    }

    // From this many values on, the rows are split between the threads (inference on 10 000 rows: 100 000 values).
    // Blocks are whole rows and at least MinimumBlockRows of them, so every block's exponentials take the same
    // vector path and a row's bits do not depend on the split.
    private const int ParallelValues = 1 << 15;
    private const int MinimumBlockRows = 256;

    /// <summary><see cref="ForwardRows{T}"/> for float, with large batches split into row blocks over the threads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void ForwardRowsParallel(ReadOnlySpan<float> z, Span<float> a, int width, Span<float> logSumExp = default)
    {
        int rows = z.Length / width;
        int blocks = Math.Min(WorkerPool.ThreadCount, rows / MinimumBlockRows);
        if (z.Length < ParallelValues || blocks < 2)
        {
            ForwardRows(z, a, width, logSumExp);
            return;
        }
        fixed (float* pz = z)
        fixed (float* pa = a)
        fixed (float* plse = logSumExp)
        {
            SoftmaxJob job = SoftmaxJob.ForThisThread();
            job.Set(pz, pa, logSumExp.IsEmpty ? null : plse, rows, width, blocks);
            WorkerPool.Run(job, blocks);
            job.Set(null, null, null, 0, 0, 0);
        }
    }

    private sealed unsafe class SoftmaxJob : IBlockJob
    {
        [ThreadStatic]
        private static SoftmaxJob? t_job;

        private float* _z;
        private float* _a;
        private float* _logSumExp;
        private int _rows;
        private int _width;
        private int _blocks;

        public static SoftmaxJob ForThisThread() => t_job ??= new SoftmaxJob();

        public void Set(float* z, float* a, float* logSumExp, int rows, int width, int blocks)
        {
            _z = z;
            _a = a;
            _logSumExp = logSumExp;
            (_rows, _width, _blocks) = (rows, width, blocks);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int block)
        {
            int first = (int)((long)_rows * block / _blocks);
            int end = (int)((long)_rows * (block + 1) / _blocks);
            int count = (end - first) * _width;
            ForwardRows<float>(
                new ReadOnlySpan<float>(_z + (long)first * _width, count),
                new Span<float>(_a + (long)first * _width, count),
                _width,
                _logSumExp is null ? default : new Span<float>(_logSumExp + first, end - first));
        }
    }

    /// <summary>
    /// log Σ_j e^(z_j − max z), from p_j = e^(z_j − max z) / <paramref name="scale"/>: the exponentials themselves
    /// (scale 1) or the probabilities (scale Σ_j e^(z_j − max z)). The largest term is e^0 = 1, so this is log(1 + r),
    /// r the sum of the others, computed as log1p(r): it keeps its relative accuracy when r is tiny, as in a confident
    /// prediction's loss, where log(sum) or max z + log(sum) would carry an absolute error of half an ulp of 1 or of max z.
    /// </summary>
    public static T LogShiftedSum<T>(ReadOnlySpan<T> p, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = 0;
        for (int i = 1; i < p.Length; i++)
        {
            k = p[i] > p[k] ? i : k;
        }
        T rest = T.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            rest += i == k ? T.Zero : p[i];
        }
        return Log1p(rest * scale);
    }

    /// <summary>
    /// log(1 + x) to a few ulps for small x as well (.NET's LogP1 computes log(1 + x) directly, which loses the digits
    /// of x that 1 + x rounds away): with u = 1 + x rounded, log(u) · x / (u − 1) corrects for that rounding (Goldberg,
    /// "What every computer scientist should know about floating-point arithmetic", theorem 4).
    /// </summary>
    internal static T Log1p<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.One + x;
        return u == T.One ? x : T.Log(u) * (x / (u - T.One));
    }

    /// <summary>log Σ_j e^(z_j), computed stably as max z + log Σ_j e^(z_j − max z).</summary>
    public static T LogSumExp<T>(ReadOnlySpan<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = z[0];
        for (int i = 1; i < z.Length; i++)
        {
            max = T.Max(max, z[i]);
        }
        T sum = T.Zero;
        for (int i = 0; i < z.Length; i++)
        {
            sum += T.Exp(z[i] - max);
        }
        return max + T.Log(sum);
    }
}
