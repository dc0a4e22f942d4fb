using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Activations;

/// <summary>ReLU(z) = max(0, z) and ReLU'(z) = [z &gt; 0] (equivalently [a &gt; 0]), side by side.</summary>
internal static class Relu
{
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Max(z, T.Zero, a);

    // Inverts a = max(0, z): the gradient passes where a > 0 and stops elsewhere.
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < delta.Length; i++)
        {
            if (!(a[i] > T.Zero))
            {
                delta[i] = T.Zero;
            }
        }
    }
}
