using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Activations;

/// <summary>tanh(z) and tanh'(z) = 1 − a², side by side.</summary>
internal static class Tanh
{
    // TensorPrimitives.Tanh's bits; for float, its vector formula compiled here once, optimised (FrameworkLanes).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && FrameworkLanes.TryMap<FrameworkLanes.Tanh>(MemoryMarshal.Cast<T, float>(z), MemoryMarshal.Cast<T, float>(a)))
        {
            return;
        }
        TensorPrimitives.Tanh(z, a);
    }

    // Inverts a = tanh(z): da/dz = 1 − a², on Vector<T> lanes with the scalar twin's operations in its order (so the
    // same bits), the tail by the twin.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = ActivationFunctions.MultiplyLanes<T, TanhProduct<T>>(a, delta);
        BackwardReference(a[i..], delta[i..]);
    }

    // The scalar twin of Backward.
    internal static void BackwardReference<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < delta.Length; i++)
        {
            delta[i] *= T.One - a[i] * a[i];
        }
    }

    // δ · (1 − a²), the twin's operations in its order.
    private readonly struct TanhProduct<T> : ActivationFunctions.IDerivativeProduct<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Of(Vector<T> a, Vector<T> delta) => delta * (Vector<T>.One - a * a);
    }
}
