using System.Numerics;

namespace Backprop.Losses;

/// <summary>
/// Huber loss, mean over outputs and batch, after any element-wise output activation: for a and t of shape (B, n) and
/// r = a − t, L = (1 / (B n)) Σ h(r) with h(r) = r² / 2 where |r| ≤ δ and δ (|r| − δ / 2) beyond, so large errors
/// count linearly (robust to outliers) and small ones quadratically. ∂L/∂a = clip(r, −δ, δ) / (B n), and
/// δ_out = ∂L/∂a ⊙ f'(z).
/// </summary>
public sealed class Huber : Loss
{
    /// <summary>Creates the Huber loss with threshold δ (<c>--loss huber:δ</c>; default 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">δ is not a positive finite number.</exception>
    public Huber(double delta = 1)
    {
        if (!(delta > 0) || !double.IsFinite(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber's δ must be a positive finite number.");
        }
        Threshold = delta;
    }

    /// <summary>δ: where the loss turns from quadratic to linear.</summary>
    public double Threshold { get; }

    /// <inheritdoc/>
    public override string Name => "huber";

    /// <inheritdoc/>
    public override T Value<T>(in OutputBatch<T> output)
    {
        ReadOnlySpan<T> a = output.A;
        ReadOnlySpan<T> t = output.Targets;
        T delta = T.CreateChecked(Threshold);
        T half = T.CreateChecked(0.5);
        T total = T.Zero;
        for (int i = 0; i < a.Length; i++)
        {
            T r = T.Abs(a[i] - t[i]);
            total += r <= delta ? half * r * r : delta * (r - half * delta);
        }
        return total / T.CreateChecked(a.Length);
    }

    /// <inheritdoc/>
    public override void Delta<T>(in OutputBatch<T> output, Span<T> delta)
    {
        ReadOnlySpan<T> a = output.A;
        ReadOnlySpan<T> t = output.Targets;
        T d = T.CreateChecked(Threshold);
        T scale = T.One / T.CreateChecked(a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            delta[i] = T.Clamp(a[i] - t[i], -d, d) * scale;
        }
        output.MultiplyByActivationDerivative(delta);
    }
}
