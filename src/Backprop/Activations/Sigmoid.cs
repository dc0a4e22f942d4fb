using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop;

/// <summary>σ(z) = 1 / (1 + e^(-z)) and σ'(z) = a (1 − a), side by side.</summary>
internal static class Sigmoid
{
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Sigmoid(z, a);

    // Inverts a = σ(z): da/dz = a (1 − a).
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < delta.Length; i++)
        {
            delta[i] *= a[i] * (T.One - a[i]);
        }
    }
}
