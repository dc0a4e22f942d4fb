namespace Backprop.Models;

/// <summary>How <see cref="Classifier"/> weighs the classes in the loss: the policy from which the loss's <see cref="SoftmaxCrossEntropy.ClassWeights"/> are computed.</summary>
public enum ClassWeighting
{
    /// <summary>Every row counts the same.</summary>
    None,

    /// <summary>w_c = n / (k · n_c): each class contributes equally in total (<see cref="SoftmaxCrossEntropy.Balanced{T}"/>).</summary>
    Balanced,
}
