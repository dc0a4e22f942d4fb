using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Losses;

/// <summary>
/// Softmax and cross-entropy fused. For a batch of B rows of n logits z and targets t (rows summing to 1):
/// L = (1/B) Σ_rows −Σ_i t_i (z_i − logsumexp z), and δ = ∂L/∂z = (a − t) / B.
/// Each row's term is computed as Σ_i t_i ((max z − z_i) + log Σ_j e^(z_j − max z)), the logarithm as log1p of the
/// terms other than the largest (<see cref="Softmax.LogShiftedSum{T}"/>): every part is non-negative and none is
/// rounded to the size of max z, so a small loss (a confident, correct prediction) keeps its relative accuracy.
/// </summary>
internal static class SoftmaxCrossEntropy
{
    /// <summary>The mean loss of the batch, from logits; finite for any finite logits.</summary>
    // z is (batch, n), t is (batch, n)
    public static T Loss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t, int width) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = z.Length / width;
        T total = T.Zero;
        for (int r = 0; r < batch; r++)
        {
            T sample = SampleLoss(z.Slice(r * width, width), t.Slice(r * width, width));
            total += sample;
        }
        return total / T.CreateChecked(batch);
    }

    /// <summary>
    /// <see cref="Loss{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int)"/> with each row's log Σ e^(z − max z) already known
    /// (from the softmax pass, <see cref="Softmax.ForwardRows{T}"/>): one fewer pass of exponentials.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Loss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t, int width, ReadOnlySpan<T> logSumExp) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = z.Length / width;
        T total = T.Zero;
        for (int r = 0; r < batch; r++)
        {
            total += SampleLoss(z.Slice(r * width, width), t.Slice(r * width, width), logSumExp[r]);
        }
        return batch == 1 ? total : total / T.CreateChecked(batch); // x / 1 is x: one row skips the division
    }

    /// <summary>One row's loss, −Σ_i t_i (z_i − logsumexp z); rows of t that are zero cost nothing.</summary>
    private static T SampleLoss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // log Σ_j e^(z_j − max z) = log1p of the terms other than the largest (e^0 = 1), as Softmax.LogShiftedSum.
        T max = Max(z);
        int k = z.IndexOf(max);
        T rest = T.Zero;
        for (int j = 0; j < z.Length; j++)
        {
            rest += j == k ? T.Zero : T.Exp(z[j] - max);
        }
        return SampleLoss(z, t, Softmax.Log1p(rest));
    }

    /// <summary>One row's loss given <paramref name="shiftedLse"/> = log Σ_j e^(z_j − max z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T SampleLoss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t, T shiftedLse) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = Max(z);
        T sample = T.Zero;
        for (int i = 0; i < z.Length; i++)
        {
            if (t[i] != T.Zero)
            {
                sample += t[i] * ((max - z[i]) + shiftedLse); // −t_i (z_i − logsumexp z)
            }
        }
        return sample;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Max<T>(ReadOnlySpan<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = z[0];
        for (int i = 1; i < z.Length; i++)
        {
            max = T.Max(max, z[i]);
        }
        return max;
    }

    /// <summary>δ = (a − t) / B, where a holds the softmax outputs.</summary>
    public static void Delta<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> t, Span<T> delta, int batch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (batch == 1)
        {
            // (a − t) · 1 is a − t: one row (the article's loop) skips the division and the products.
            for (int i = 0; i < delta.Length; i++)
            {
                delta[i] = a[i] - t[i];
            }
            return;
        }
        T scale = T.One / T.CreateChecked(batch);
        for (int i = 0; i < delta.Length; i++)
        {
            delta[i] = (a[i] - t[i]) * scale;
        }
    }

    /// <summary>
    /// The weighted mean loss Σ_r w_r ℓ_r / Σ_r w_r, with per-row weights w (batch). When <paramref name="logSumExp"/>
    /// is not empty it holds each row's log Σ e^z (from the softmax pass).
    /// </summary>
    public static T WeightedLoss<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> t, ReadOnlySpan<T> rowWeights, int width, ReadOnlySpan<T> logSumExp = default) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        T weightSum = T.Zero;
        for (int r = 0; r < rowWeights.Length; r++)
        {
            T sample = logSumExp.IsEmpty
                ? SampleLoss(z.Slice(r * width, width), t.Slice(r * width, width))
                : SampleLoss(z.Slice(r * width, width), t.Slice(r * width, width), logSumExp[r]);
            total += rowWeights[r] * sample;
            weightSum += rowWeights[r];
        }
        return total / weightSum;
    }

    /// <summary>δ_r = w_r (a_r − t_r) / Σ_r w_r: the gradient of <see cref="WeightedLoss"/> with respect to z.</summary>
    public static void WeightedDelta<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> t, ReadOnlySpan<T> rowWeights, Span<T> delta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = delta.Length / rowWeights.Length;
        T weightSum = T.Zero;
        for (int r = 0; r < rowWeights.Length; r++)
        {
            weightSum += rowWeights[r];
        }
        for (int r = 0; r < rowWeights.Length; r++)
        {
            T scale = rowWeights[r] / weightSum;
            for (int i = r * width; i < (r + 1) * width; i++)
            {
                delta[i] = (a[i] - t[i]) * scale;
            }
        }
    }
}
