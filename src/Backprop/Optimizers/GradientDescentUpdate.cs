using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Optimizers;

/// <summary>
/// Plain SGD's step θ ← θ + (−η) (∇θ + λ θ) as an <see cref="ElementwiseUpdate{T}"/>. The float GEMM recognises it and
/// steps each row of a weight tile straight from the micro-kernel's registers (the Step and DecayedStep epilogues);
/// <see cref="Apply"/> rounds as they do and as <see cref="Sgd{T}.Step"/> does.
/// </summary>
internal sealed class GradientDescentUpdate<T> : ElementwiseUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>η.</summary>
    public T LearningRate { get; private set; }

    /// <summary>λ (zero: no weight decay).</summary>
    public T WeightDecay { get; private set; }

    /// <summary>Sets the step's constants.</summary>
    public GradientDescentUpdate<T> For(T learningRate, T weightDecay)
    {
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        return this;
    }

    /// <summary>θ + (−η) ∇θ, or θ + (−η) (θ λ + ∇θ), each product rounded before its sum, on this thread.</summary>
    public override void Apply(Span<T> parameters, ReadOnlySpan<T> gradients, int offset)
    {
        if (WeightDecay == T.Zero)
        {
            TensorPrimitives.MultiplyAdd(gradients, -LearningRate, parameters, parameters);
        }
        else
        {
            ParallelElementwise.DecayedStepRange(parameters, gradients, LearningRate, WeightDecay);
        }
    }

    /// <summary><see cref="Apply"/> over a whole block, on all threads where it is long.</summary>
    public void ApplyToBlock(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (WeightDecay == T.Zero)
        {
            ParallelElementwise.MultiplyAdd<T>(gradients, -LearningRate, parameters, parameters);
        }
        else
        {
            ParallelElementwise.DecayedStep(parameters, gradients, LearningRate, WeightDecay);
        }
    }
}
