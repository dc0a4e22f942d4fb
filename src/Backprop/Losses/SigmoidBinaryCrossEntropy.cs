using System.Numerics;

namespace Backprop.Losses;

/// <summary>
/// Sigmoid and binary cross-entropy fused, for multi-label outputs (each of the n outputs an independent yes/no, targets
/// t in [0, 1]). For z, a = σ(z) and t of shape (B, n): L = −(1 / (B n)) Σ [t ln a + (1 − t) ln(1 − a)], computed from
/// the logits as max(z, 0) − z t + ln(1 + e^(−|z|)), finite for any finite z; δ = ∂L/∂z = (a − t) / (B n).
/// </summary>
public sealed class SigmoidBinaryCrossEntropy : Loss
{
    /// <inheritdoc/>
    public override string Name => "binary-cross-entropy";

    /// <summary>Sigmoid: the two are fused so that δ = (a − t) / (B n).</summary>
    public override Activation? FusedActivation => Activation.Sigmoid;

    /// <inheritdoc/>
    public override T Value<T>(in OutputBatch<T> output)
    {
        ReadOnlySpan<T> z = output.Z;
        ReadOnlySpan<T> t = output.Targets;
        T total = T.Zero;
        for (int i = 0; i < z.Length; i++)
        {
            total += T.Max(z[i], T.Zero) - z[i] * t[i] + T.Log(T.One + T.Exp(-T.Abs(z[i])));
        }
        return total / T.CreateChecked(z.Length);
    }

    /// <inheritdoc/>
    public override void Delta<T>(in OutputBatch<T> output, Span<T> delta)
    {
        ReadOnlySpan<T> a = output.A;
        ReadOnlySpan<T> t = output.Targets;
        T scale = T.One / T.CreateChecked(a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            delta[i] = (a[i] - t[i]) * scale;
        }
    }
}
