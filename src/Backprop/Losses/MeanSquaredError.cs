using System.Numerics;

namespace Backprop.Losses;

/// <summary>
/// Mean squared error over outputs and batch: L = (1 / (B n)) Σ (a − t)². Its gradient with respect to the
/// outputs is ∂L/∂a = 2 (a − t) / (B n); the output layer multiplies that by f'(z) to get δ.
/// </summary>
internal static class MeanSquaredError
{
    // a is (batch, n), t is (batch, n)
    public static T Loss<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int i = 0; i < a.Length; i++)
        {
            T d = a[i] - t[i];
            total += d * d;
        }
        return total / T.CreateChecked(a.Length);
    }

    /// <summary>∂L/∂a = 2 (a − t) / (B n).</summary>
    public static void OutputGradient<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> t, Span<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.CreateChecked(2) / T.CreateChecked(a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            gradient[i] = (a[i] - t[i]) * scale;
        }
    }
}
