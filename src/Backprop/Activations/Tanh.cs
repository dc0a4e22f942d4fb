using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Activations;

/// <summary>tanh(z) and tanh'(z) = 1 − a², side by side.</summary>
internal static class Tanh
{
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Tanh(z, a);

    // Inverts a = tanh(z): da/dz = 1 − a².
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < delta.Length; i++)
        {
            delta[i] *= T.One - a[i] * a[i];
        }
    }
}
