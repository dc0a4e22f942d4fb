using System.Numerics;

namespace Backprop.Optimizers;

/// <summary>
/// Optional for an optimizer: says when its next step is element-wise — each θ[i] updated from ∇θ[i] and the
/// optimizer's own state at i alone (plain SGD, momentum, Nesterov, Adam, AdamW, RMSprop) — and supplies that step as
/// an <see cref="ElementwiseUpdate{T}"/>. The float trainer then applies it to each tile of a layer's weights in the
/// GEMM epilogue that produces the tile's gradient ∇W = δᵀ x, and to the biases beside them, instead of running
/// Backward and then <see cref="IOptimizer{T}.Step"/>, with the same bits; layers never see the optimizer.
/// </summary>
/// <typeparam name="T">float or double.</typeparam>
public interface IFusedUpdate<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Prepares the next step over a parameter block of <paramref name="parameterCount"/> values (state allocated on
    /// first use, per-step constants such as the learning rate and bias corrections computed now, once) and returns it,
    /// or null when the next step is not element-wise and needs <see cref="IOptimizer{T}.Step"/>. Nothing changes until
    /// the update is applied; <see cref="CompleteFusedStep"/> ends the step. A step allocates nothing after the first.
    /// </summary>
    ElementwiseUpdate<T>? BeginFusedStep(int parameterCount);

    /// <summary>Records a step the fused path applied, leaving the optimizer as <see cref="IOptimizer{T}.Step"/> would (its step count).</summary>
    void CompleteFusedStep();
}
