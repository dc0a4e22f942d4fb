using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Activations;

/// <summary>
/// y[i] = f(x[i]) over a float span with the bits <c>TensorPrimitives</c> gives for a span of at least one vector:
/// its operator's vector function f lane by lane, on Vector512 where AVX-512 is accelerated and on Vector256 otherwise,
/// the last partial vector computed as the last full one (overlapping). The framework's generic methods tier at run
/// time (each compiled three times, the last version arriving in the first epoch of a run, its unoptimised versions
/// slow); these are compiled once, optimised, at their first call. The tests compare each function with the
/// framework's method, bit for bit, for every length from 1 to a few hundred.
/// </summary>
internal static class FrameworkLanes
{
    /// <summary>A lane-wise function at both vector widths: the framework operator's own formula, operation for operation.</summary>
    internal interface IFunction
    {
        static abstract Vector512<float> Of(Vector512<float> x);

        static abstract Vector256<float> Of(Vector256<float> x);
    }

    /// <summary>
    /// Applies <typeparamref name="TFunction"/> to x into y (the same span, or one that does not overlap it); false,
    /// having written nothing, where x is shorter than a vector or no vector width is accelerated, and the caller then
    /// calls the framework's method itself (its paths for short spans differ).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryMap<TFunction>(ReadOnlySpan<float> x, Span<float> y) where TFunction : struct, IFunction
    {
        int n = x.Length;
        y = y[..n];
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            int last = n - Vector512<float>.Count;
            // Read before any store: in place, the loop overwrites part of the last vector's inputs.
            Vector512<float> tail = TFunction.Of(Vector512.LoadUnsafe(ref x0, (nuint)last));
            for (int i = 0; i < last; i += Vector512<float>.Count)
            {
                TFunction.Of(Vector512.LoadUnsafe(ref x0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
            }
            tail.StoreUnsafe(ref y0, (nuint)last);
            return true;
        }
        if (!Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            int last = n - Vector256<float>.Count;
            Vector256<float> tail = TFunction.Of(Vector256.LoadUnsafe(ref x0, (nuint)last));
            for (int i = 0; i < last; i += Vector256<float>.Count)
            {
                TFunction.Of(Vector256.LoadUnsafe(ref x0, (nuint)i)).StoreUnsafe(ref y0, (nuint)i);
            }
            tail.StoreUnsafe(ref y0, (nuint)last);
            return true;
        }
        return false;
    }

    /// <summary>e^x: <c>TensorPrimitives.Exp</c>'s vector exponential.</summary>
    internal readonly struct Exp : IFunction
    {
        public static Vector512<float> Of(Vector512<float> x) => Vector512.Exp(x);

        public static Vector256<float> Of(Vector256<float> x) => Vector256.Exp(x);
    }

    /// <summary>1 / (1 + e^(−x)): <c>TensorPrimitives.Sigmoid</c>'s formula.</summary>
    internal readonly struct Sigmoid : IFunction
    {
        public static Vector512<float> Of(Vector512<float> x) => Vector512.Create(1f) / (Vector512.Create(1f) + Vector512.Exp(-x));

        public static Vector256<float> Of(Vector256<float> x) => Vector256.Create(1f) / (Vector256.Create(1f) + Vector256.Exp(-x));
    }

    /// <summary>
    /// tanh x: <c>TensorPrimitives.Tanh</c>'s formula, with y = |x| and z = e^(−2y) − 1, tanh y = −z / (z + 2), and
    /// the sign of x put back.
    /// </summary>
    internal readonly struct Tanh : IFunction
    {
        public static Vector512<float> Of(Vector512<float> x)
        {
            Vector512<float> y = Vector512.Abs(x);
            Vector512<float> z = Vector512.Exp(Vector512.Create(-2f) * y) - Vector512<float>.One;
            Vector512<uint> sign = x.AsUInt32() & Vector512.Create(~(uint)int.MaxValue);
            return (sign ^ (-z / (z + Vector512.Create(2f))).AsUInt32()).AsSingle();
        }

        public static Vector256<float> Of(Vector256<float> x)
        {
            Vector256<float> y = Vector256.Abs(x);
            Vector256<float> z = Vector256.Exp(Vector256.Create(-2f) * y) - Vector256<float>.One;
            Vector256<uint> sign = x.AsUInt32() & Vector256.Create(~(uint)int.MaxValue);
            return (sign ^ (-z / (z + Vector256.Create(2f))).AsUInt32()).AsSingle();
        }
    }
}
