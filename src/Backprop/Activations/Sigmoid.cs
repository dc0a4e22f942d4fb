using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Activations;

/// <summary>σ(z) = 1 / (1 + e^(-z)) and σ'(z) = a (1 − a), side by side.</summary>
internal static class Sigmoid
{
    // float: the vectorised exponential (speed). double, the exact path (the article's network, explanations,
    // gradient checks): 1 / (1 + e^(−z)) element by element with Math.Exp, as the article's program computes it;
    // for a layer of a few units it also skips the vector set-up.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            ReadOnlySpan<double> zd = MemoryMarshal.Cast<T, double>(z);
            Span<double> ad = MemoryMarshal.Cast<T, double>(a)[..zd.Length];
            for (int i = 0; i < zd.Length; i++)
            {
                ad[i] = 1.0 / (1.0 + Math.Exp(-zd[i]));
            }
            return;
        }
        // TensorPrimitives.Sigmoid's bits, its vector formula compiled here once, optimised (FrameworkLanes).
        if (typeof(T) == typeof(float) && FrameworkLanes.TryMap<FrameworkLanes.Sigmoid>(MemoryMarshal.Cast<T, float>(z), MemoryMarshal.Cast<T, float>(a)))
        {
            return;
        }
        TensorPrimitives.Sigmoid(z, a);
    }

    // Inverts a = σ(z): da/dz = a (1 − a), on Vector<T> lanes with the scalar twin's operations in its order (so the
    // same bits), the tail (all of a layer of a few units) by the twin.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = ActivationFunctions.MultiplyLanes<T, SigmoidProduct<T>>(a, delta);
        BackwardReference(a[i..], delta[i..]);
    }

    // The scalar twin of Backward.
    internal static void BackwardReference<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < delta.Length; i++)
        {
            delta[i] *= a[i] * (T.One - a[i]);
        }
    }

    // δ · (a (1 − a)), the twin's operations in its order.
    private readonly struct SigmoidProduct<T> : ActivationFunctions.IDerivativeProduct<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Of(Vector<T> a, Vector<T> delta) => delta * (a * (Vector<T>.One - a));
    }
}
