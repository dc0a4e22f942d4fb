using System.Numerics;

namespace Backprop.Optimizers;

/// <summary>
/// Optional for an optimizer: says when its next step is the element-wise update θ ← θ − η ∇θ (λ = 0) or
/// θ ← θ − η (∇θ + λ θ), the form the float GEMM can apply to each weight tile while it is still in registers, as the
/// gradient ∇W = δᵀ x is produced. The trainer then runs that fused step instead of Backward and
/// <see cref="IOptimizer{T}.Step"/>, with the same bits; layers never see the optimizer.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public interface IFusedUpdate<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Whether the next step has the fused form; if so, its learning rate η and weight decay λ. False (momentum,
    /// adaptive rates) means the step needs <see cref="IOptimizer{T}.Step"/>.
    /// </summary>
    bool TryGetElementwiseStep(out double learningRate, out double weightDecay);

    /// <summary>Records a step the fused path applied, leaving the optimizer as <see cref="IOptimizer{T}.Step"/> would (its step count).</summary>
    void CompleteFusedStep();
}
