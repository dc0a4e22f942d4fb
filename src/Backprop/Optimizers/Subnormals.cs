using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Optimizers;

/// <summary>
/// Keeps the optimizers' multiplications off subnormal numbers. A multiplication that reads a subnormal operand or
/// whose exact result lies below the smallest normal number (2⁻¹²⁶ for float) takes a microcode assist on x86 — some
/// 5× the time of a plain one on the Xeon we measure on, for the whole vector if one lane needs it — and .NET cannot
/// set the FTZ/DAZ flags that would avoid it. Moments and velocities of units that stopped receiving gradient decay
/// geometrically through the subnormal range (m by β₁ = 0.9 per step: some 150 steps), and weight decay drives unused
/// weights towards zero, so these products are common in training. Each such product is taken as zero instead:
/// c·x becomes c·0 where |x| &lt; <see cref="Limit{T}"/>(c), that is, where c·x would not be a normal number anyway (or
/// x is subnormal). The value differs from IEEE arithmetic by less than the smallest normal number, as under FTZ/DAZ;
/// additions, which take no assist for subnormal operands or results, are left as they are. Scalar references and
/// vector paths flush alike, so their bits stay the same.
/// </summary>
internal static class Subnormals
{
    /// <summary>
    /// The smallest |x| whose product with <paramref name="factor"/> (≥ 0) is kept: max(N, N / factor) for N the smallest
    /// normal number of <typeparamref name="T"/> (subnormal x always flushed); +∞ for a factor of 0 (every finite
    /// product is 0 then).
    /// </summary>
    public static T Limit<T>(double factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double smallest = SmallestNormal<T>();
        return T.CreateSaturating(Math.Max(smallest, smallest / factor));
    }

    /// <summary>
    /// The smallest |g| whose square times <paramref name="factor"/> (≥ 0, ≤ 1) is kept, as (factor · g) · g is
    /// computed: √(N / factor), at least <see cref="Limit{T}"/>(factor) so that neither product underflows.
    /// </summary>
    public static T SquareLimit<T>(double factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double smallest = SmallestNormal<T>();
        return T.CreateSaturating(Math.Max(Math.Sqrt(smallest / factor), Math.Max(smallest, smallest / factor)));
    }

    /// <summary>x, or 0 where |x| &lt; <paramref name="limit"/> (NaN kept).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Flush<T>(T x, T limit) where T : unmanaged, IFloatingPointIeee754<T>
        => T.Abs(x) < limit ? T.Zero : x;

    /// <summary><see cref="Flush{T}(T, T)"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Flush<T>(Vector<T> x, Vector<T> limit) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector.AndNot(x, Vector.LessThan(Vector.Abs(x), limit));

    /// <summary><see cref="Flush{T}(T, T)"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Flush<T>(Vector512<T> x, Vector512<T> limit) where T : unmanaged, IFloatingPointIeee754<T>
        => Vector512.AndNot(x, Vector512.LessThan(Vector512.Abs(x), limit));

    // The smallest normal number of T (float or double): 2⁻¹²⁶ or 2⁻¹⁰²².
    private static double SmallestNormal<T>() where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? 1.1754943508222875E-38 : 2.2250738585072014E-308;
}
