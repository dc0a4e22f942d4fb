using System.Numerics;

namespace Backprop;

/// <summary>Plain gradient descent: θ ← θ − η ∇θ, the article's update for W and b.</summary>
/// <typeparam name="T">float or double.</typeparam>
public sealed class Sgd<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer with learning rate η.</summary>
    /// <exception cref="ArgumentOutOfRangeException">η is not a positive finite number.</exception>
    public Sgd(double learningRate)
    {
        LearningRate = learningRate;
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get;
        set
        {
            if (!(value > 0) || !double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a positive finite number.");
            }
            field = value;
        }
    }

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        }
        // θ + (−η) ∇θ rounds exactly as θ − η ∇θ: the product is formed first, then added (not fused).
        T minusEta = -T.CreateChecked(LearningRate);
        ParallelElementwise.MultiplyAdd<T>(gradients, minusEta, parameters, parameters);
    }
}
