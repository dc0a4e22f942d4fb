namespace Backprop;

/// <summary>
/// What a packed GEMM applies to each finished output tile while it is still in cache (fusion), with
/// c the product, b a per-column bias and aux a second matrix laid out like c.
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
}
