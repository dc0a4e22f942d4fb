namespace Backprop.Models;

/// <summary>The optimizers <see cref="Classifier"/> can train with.</summary>
public enum OptimizerKind
{
    /// <summary>Plain stochastic gradient descent, θ ← θ − η g.</summary>
    Sgd,

    /// <summary>SGD with momentum μ: v ← μ v + g, θ ← θ − η v.</summary>
    Momentum,

    /// <summary>SGD with Nesterov momentum: θ ← θ − η (g + μ v).</summary>
    Nesterov,

    /// <summary>Adam with L2 weight decay added to the gradient.</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay (AdamW).</summary>
    AdamW,
}
