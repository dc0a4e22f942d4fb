using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var slope = new Vector<T>(T.CreateChecked(ActivationFunctions.LeakySlope));
            ref T a0 = ref MemoryMarshal.GetReference(a[..delta.Length]);
            ref T d0 = ref MemoryMarshal.GetReference(delta);
            for (; i <= delta.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> d = Vector.LoadUnsafe(ref d0, (nuint)i);
                Vector<T> passes = Vector.GreaterThan(Vector.LoadUnsafe(ref a0, (nuint)i), Vector<T>.Zero);
                Vector.ConditionalSelect(passes, d, d * slope).StoreUnsafe(ref d0, (nuint)i);
            }
        }
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
}
