using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Backprop.Activations;

/// <summary>ReLU(z) = max(0, z) and ReLU'(z) = [z &gt; 0] (equivalently [a &gt; 0]), side by side.</summary>
internal static class Relu
{
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Max(z, T.Zero, a);

    // Inverts a = max(0, z): the gradient passes where a > 0 and stops elsewhere (a NaN stops it too), on Vector<T>
    // lanes, the tail by the scalar twin.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = ActivationFunctions.MultiplyLanes<T, ReluProduct<T>>(a, delta);
        BackwardReference(a[i..], delta[i..]);
    }

    // The scalar twin of Backward.
    internal static void BackwardReference<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < delta.Length; i++)
        {
            if (!(a[i] > T.Zero))
            {
                delta[i] = T.Zero;
            }
        }
    }

    // δ where a > 0, +0 elsewhere (a NaN included), as the twin.
    private readonly struct ReluProduct<T> : ActivationFunctions.IDerivativeProduct<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Of(Vector<T> a, Vector<T> delta) => delta & Vector.GreaterThan(a, Vector<T>.Zero);
    }
}
