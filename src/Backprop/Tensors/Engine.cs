using System.Numerics;

namespace Backprop.Tensors;

/// <summary>
/// The compute engine as its users (the `bench` command, benchmarks, hosts that share cores) see it: how many threads
/// the kernels use, which matrix-multiply kernel runs on this machine, the matrix products themselves and the
/// machine's measured FMA peak. Settings are process-wide; change them between training runs, not during one.
/// </summary>
public static class Engine
{
    /// <summary>
    /// Threads the kernels use, the calling thread included (default: the number of logical processors); values are
    /// clamped to 1 … 64, and 1 runs everything on the calling thread. Changing it changes speed only, never results.
    /// </summary>
    public static int ThreadCount
    {
        get => WorkerPool.ThreadCount;
        set => WorkerPool.ThreadCount = value;
    }

    /// <summary>Whether float32 products run on the packed FMA kernel (x86 with AVX2 and FMA); else on plain loops.</summary>
    public static bool IsAccelerated => PackedGemm.IsSupported;

    /// <summary>Whether the packed kernel uses Vector512 (AVX-512) rather than Vector256.</summary>
    public static bool UsesVector512 => PackedGemm.IsSupported && PackedGemm.UseVector512;

    /// <summary>The float32 matrix-multiply kernel in use, in words (e.g. "packed GEMM, 6x16 and 8x16 Vector256 FMA micro-kernels").</summary>
    public static string KernelDescription => !IsAccelerated
        ? "plain loops (no AVX2/FMA)"
        : UsesVector512 ? "packed GEMM, 12x32 and 8x32 Vector512 FMA micro-kernels" : "packed GEMM, 6x16 and 8x16 Vector256 FMA micro-kernels";

    /// <summary>
    /// Computes one of the products training runs, C = op(A) op(B) with C (m, n) row-major, on the same kernel the
    /// layers use (float32: <see cref="KernelDescription"/>; double: the exact plain loops). For benchmarks and checks.
    /// </summary>
    /// <param name="operation">Which product; gives the shapes of A and B.</param>
    /// <param name="a">A, row-major: (m, k), or (k, m) for <see cref="GemmOperation.ATransposedB"/>.</param>
    /// <param name="b">B, row-major: (k, n), or (n, k) for <see cref="GemmOperation.ABTransposed"/>.</param>
    /// <param name="c">C, (m, n) row-major; overwritten.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, or <paramref name="operation"/> is unknown.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Multiply<T>(GemmOperation operation, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        Need(a.Length, (long)m * k, nameof(a));
        Need(b.Length, (long)k * n, nameof(b));
        Need(c.Length, (long)m * n, nameof(c));
        switch (operation)
        {
            case GemmOperation.AB: Gemm.Multiply(a, b, c, m, n, k); break;
            case GemmOperation.ABTransposed: Gemm.MultiplyTransposedB(a, b, c, m, n, k); break;
            case GemmOperation.ATransposedB: Gemm.MultiplyTransposedA(a, b, c, m, n, k); break;
            default: throw new ArgumentOutOfRangeException(nameof(operation), operation, null);
        }
    }

    /// <summary>
    /// The measured float32 FMA peak of this machine in GFLOP/s with <paramref name="threads"/> threads: independent
    /// chains of fused multiply-adds on the widest vectors the kernel uses, the best of repeated runs over about
    /// <paramref name="seconds"/>. What `bench` states its GEMM and training rates as a share of.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1, or <paramref name="seconds"/> is negative.</exception>
    public static double MeasureFmaPeak(int threads, double seconds = 0.3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        return FmaPeak.Measure(threads, seconds, UsesVector512);
    }

    private static void Need(int length, long needed, string name)
    {
        if (length < needed)
        {
            throw new ArgumentException($"{name} holds {length} values; its shape needs {needed}.", name);
        }
    }
}
