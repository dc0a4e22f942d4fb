using System.Numerics;

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

    // Inverts a = f(z): a > 0 exactly when z > 0, since the slope is positive.
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
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
}
