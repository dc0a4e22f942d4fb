using System.Numerics;

namespace Backprop.Losses;

/// <summary>
/// Mean squared error over outputs and batch, after any element-wise output activation: for a and t of shape (B, n),
/// L = (1 / (B n)) Σ (a − t)², ∂L/∂a = 2 (a − t) / (B n), and δ = ∂L/∂z = ∂L/∂a ⊙ f'(z).
/// </summary>
public sealed class MeanSquaredError : Loss
{
    private MeanSquaredError()
    {
    }

    // The loss has no settings: one instance, Loss.MeanSquaredError.
    internal static MeanSquaredError Instance { get; } = new();

    /// <inheritdoc/>
    public override string Name => "mse";

    /// <inheritdoc/>
    public override T Value<T>(in OutputBatch<T> output)
    {
        ReadOnlySpan<T> a = output.A;
        ReadOnlySpan<T> t = output.Targets;
        T total = T.Zero;
        for (int i = 0; i < a.Length; i++)
        {
            T d = a[i] - t[i];
            total += d * d;
        }
        return total / T.CreateChecked(a.Length);
    }

    /// <inheritdoc/>
    public override void Delta<T>(in OutputBatch<T> output, Span<T> delta)
    {
        ReadOnlySpan<T> a = output.A;
        ReadOnlySpan<T> t = output.Targets;
        T scale = T.CreateChecked(2) / T.CreateChecked(a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            delta[i] = (a[i] - t[i]) * scale;
        }
        output.MultiplyByActivationDerivative(delta);
    }
}
