using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Activations;

/// <summary>Leaky ReLU, f(z) = z for z &gt; 0 and 0.01 z otherwise, with f' = 1 or 0.01, side by side.</summary>
internal static class LeakyRelu
{
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T slope = T.CreateChecked(ActivationFunctions.LeakySlope);
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = z[i] > T.Zero ? z[i] : slope * z[i];
        }
    }

    // Inverts a = f(z): a > 0 exactly when z > 0, since the slope is positive. On Vector<T> lanes (δ or δ · slope,
    // the same product as the scalar twin's), the tail by the twin.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = ActivationFunctions.MultiplyLanes<T, LeakyReluProduct<T>>(a, delta);
        BackwardReference(a[i..], delta[i..]);
    }

    // The scalar twin of Backward.
    internal static void BackwardReference<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T slope = T.CreateChecked(ActivationFunctions.LeakySlope);
        for (int i = 0; i < delta.Length; i++)
        {
            if (!(a[i] > T.Zero))
            {
                delta[i] *= slope;
            }
        }
    }

    // δ where a > 0, δ · slope elsewhere, the twin's product.
    private readonly struct LeakyReluProduct<T> : ActivationFunctions.IDerivativeProduct<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> Of(Vector<T> a, Vector<T> delta)
            => Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<T>.Zero), delta, delta * new Vector<T>(T.CreateChecked(ActivationFunctions.LeakySlope)));
    }
}
