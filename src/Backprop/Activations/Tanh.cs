using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Activations;

/// <summary>tanh(z) and tanh'(z) = 1 − a², side by side.</summary>
internal static class Tanh
{
    public static void Forward<T>(ReadOnlySpan<T> z, Span<T> a) where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Tanh(z, a);

    // Inverts a = tanh(z): da/dz = 1 − a², on Vector<T> lanes with the scalar twin's operations in its order (so the
    // same bits), the tail by the twin.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<T>(ReadOnlySpan<T> a, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            ref T a0 = ref MemoryMarshal.GetReference(a[..delta.Length]);
            ref T d0 = ref MemoryMarshal.GetReference(delta);
            for (; i <= delta.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> ai = Vector.LoadUnsafe(ref a0, (nuint)i);
                (Vector.LoadUnsafe(ref d0, (nuint)i) * (Vector<T>.One - ai * ai)).StoreUnsafe(ref d0, (nuint)i);
            }
        }
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
}
