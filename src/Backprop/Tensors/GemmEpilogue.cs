namespace Backprop.Tensors;

/// <summary>
/// What a packed GEMM applies to each finished output tile while it is still in cache (fusion), with
/// c the product, b a per-column bias, aux a second matrix laid out like c and s, d scalars.
/// </summary>
internal enum GemmEpilogue
{
    /// <summary>c = product.</summary>
    None,

    /// <summary>c = product + b (forward z = x Wᵀ + b).</summary>
    Bias,

    /// <summary>c = product + b and aux = max(c, 0) (forward z and a = ReLU(z) in one pass).</summary>
    BiasRelu,

    /// <summary>c = product where aux &gt; 0, else 0 (backward δ_prev = (δ W) ⊙ ReLU'(a_prev)).</summary>
    ReluMask,

    /// <summary>
    /// c = product and aux = c · s + aux, the product rounded before the sum, with s a scalar: ∇W = δᵀ x and the
    /// gradient-descent step W ← W + (−η) ∇W on the tile still in cache, rounded exactly as <see cref="Sgd{T}"/> rounds it.
    /// </summary>
    Step,

    /// <summary>
    /// c = product and aux = (aux · d + c) · s + aux, each product rounded before its sum, with scalars s and d: ∇W and
    /// the step with weight decay W ← W − η (∇W + λ W) (s = −η, d = λ), rounded exactly as <see cref="Sgd{T}"/> rounds it.
    /// </summary>
    DecayedStep,

    /// <summary>
    /// c = product, then an optimizer's element-wise step (<see cref="ElementwiseUpdate{T}"/>) of aux by c, row by row
    /// of the tile: the stateful optimizers' step of W on the tile of ∇W still in cache, their state at the same offset.
    /// </summary>
    Update,
}
